import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { TransformEntry } from '@ct3d/augment';
import type { ScanEntry } from '@ct3d/io/dataset';
import { catchError, concat, defer, finalize, from, map, mergeMap, Observable, of, switchMap } from 'rxjs';
import {
  type CacheEntry,
  cachedFileProblem,
  loadCache,
  removeStaleTemps,
  scanId,
  settingsHash,
} from './cache.js';
import { ManifestStore } from './manifest-store.js';
import { defaultMemoryBudget, MemoryBudget } from './memory-budget.js';
import { createWorkerPool, type WorkerPool } from './pool.js';
import { planSourceMemory, statSource } from './scan-source.js';
import { describeError } from './scan-work.js';
import type { IngestResult, Shape3, StageTimes } from './tasks.js';

/** Options of ingest. */
export interface IngestOptions {
  scans: ScanEntry[];
  cacheDir: string;
  size: Shape3;
  /** Threads for a pool created (and closed) by this run; ignored when `pool` is given. */
  workers?: number;
  pool?: WorkerPool;
  /** Scans in flight at once (read, decoded or queued); default 2 x threads. Bounds memory. */
  concurrency?: number;
  /**
   * Bytes the scans being decoded may need together, from what their headers claim (default: a third of
   * the machine's memory, at most 8 GiB). A scan that alone needs more is refused before it is read.
   */
  memoryBudget?: number;
  /** The recipe's preprocessing, checked (default: the seed preset at `size`). */
  preprocess?: TransformEntry[];
}

export type { ScanEntry };

/** A scan that could not be cached, and why. */
export type FailedScan = { path: string; reason: string };

/** What ingest reports: start, each scan cached or failed, then done. */
export type IngestEvent =
  | {
      type: 'start';
      total: number;
      cached: number;
      workers: number;
      cacheDir: string;
      removedTemps: string[];
    }
  | {
      type: 'scanDone';
      path: string;
      id: string;
      ms: number;
      cached: boolean;
      warnings: string[];
      /** Worker ms per stage (read, hash, decode, preprocess, write); absent for cached scans. */
      stages?: StageTimes;
      done: number;
      total: number;
    }
  | { type: 'scanFailed'; path: string; reason: string; done: number; total: number }
  | {
      type: 'done';
      total: number;
      ingested: number;
      skipped: number;
      failed: FailedScan[];
      warnings: number;
      wallMs: number;
      /** Scans decoded+preprocessed+written per second of wall time (cached ones excluded). */
      scansPerSec: number;
      cacheDir: string;
      manifest: string;
    };

interface PlannedScan {
  scan: ScanEntry;
  id: string;
  file: string;
  sourceSize: number;
  sourceMtimeMs: number;
  previous?: CacheEntry;
  /** Memory reserved while the scan is decoded, and the largest image the worker may inflate. */
  memory: number;
  maxBytes?: number;
  /** Why the cached file was not reused (it is rewritten). */
  repair?: string;
}

interface Plan {
  store: ManifestStore;
  budget: MemoryBudget;
  removedTemps: string[];
  cached: CacheEntry[];
  unreadable: FailedScan[];
  todo: PlannedScan[];
}

/**
 * Streams scans through the worker pool into the cache dir: one float32 .nii per scan + manifest.json.
 * Scans already cached with the same source and settings are skipped; bad scans are reported and skipped.
 */
export function ingest(opts: IngestOptions): Observable<IngestEvent> {
  return defer(() => {
    const started = performance.now();
    const owned = opts.pool ? undefined : createWorkerPool({ workers: opts.workers });
    const pool = (opts.pool ?? owned) as WorkerPool;
    return from(planIngest(opts)).pipe(
      switchMap((plan) => runPlan(opts, plan, pool, started)),
      finalize(() => void owned?.close().catch(() => undefined)),
    );
  });
}

async function planIngest(opts: IngestOptions): Promise<Plan> {
  const { cacheDir, size } = opts;
  if (size.length !== 3 || size.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error(`ingest: size must be 3 integers >= 1, got ${size.join('x')}`);
  }
  await mkdir(cacheDir, { recursive: true });
  const removedTemps = await removeStaleTemps(cacheDir);
  const previous = await loadCache(cacheDir);
  const settings = settingsHash(size, opts.preprocess);
  const byPath = new Map(previous.entries.map((e) => [resolve(e.source), e]));
  const seen = new Set<string>();
  const scans = opts.scans.filter((s) => !seen.has(resolve(s.path)) && seen.add(resolve(s.path)));
  const store = new ManifestStore(
    cacheDir,
    size,
    scans.map((s) => s.path),
    opts.preprocess,
  );
  const budget = new MemoryBudget(opts.memoryBudget ?? defaultMemoryBudget());
  const plan: Plan = { store, budget, removedTemps, cached: [], unreadable: [], todo: [] };
  for (const scan of scans) {
    const id = scanId(scan.path);
    const file = `${id}.nii`;
    const st = await statSource(scan);
    if ('problem' in st) {
      plan.unreadable.push({ path: scan.path, reason: st.problem });
      continue;
    }
    const prev = byPath.get(resolve(scan.path));
    const reusable = prev && prev.settingsHash === settings && prev.file === file;
    const sameStat = reusable && prev.sourceSize === st.size && prev.sourceMtimeMs === st.mtimeMs;
    // What is skipped is verified first: a truncated or altered cache file is rewritten, not trusted.
    const repair = reusable ? await cachedFileProblem(cacheDir, prev) : undefined;
    if (sameStat && repair === undefined) {
      plan.cached.push({ ...prev, label: scan.label, className: scan.className });
      continue;
    }
    const memory = await planSourceMemory(scan, st.size, budget.total);
    if ('refused' in memory) {
      plan.unreadable.push({ path: scan.path, reason: memory.refused });
      continue;
    }
    plan.todo.push({
      scan,
      id,
      file,
      sourceSize: st.size,
      sourceMtimeMs: st.mtimeMs,
      previous: reusable && repair === undefined ? prev : undefined,
      ...memory,
      ...(repair !== undefined ? { repair } : {}),
    });
  }
  return plan;
}

function runPlan(
  opts: IngestOptions,
  plan: Plan,
  pool: WorkerPool,
  started: number,
): Observable<IngestEvent> {
  const total = plan.store.order.length;
  let done = 0;
  let ingested = 0;
  let skipped = 0;
  let warnings = 0;
  const concurrency = opts.concurrency ?? pool.threads * 2;

  const cachedEvents = from(plan.cached).pipe(
    map((entry): IngestEvent => {
      plan.store.record(entry);
      skipped++;
      warnings += entry.warnings?.length ?? 0;
      return scanDoneEvent(entry, 0, true, ++done, total);
    }),
  );
  const unreadableEvents = from(plan.unreadable).pipe(
    map((f): IngestEvent => {
      plan.store.recordFailure(f.path, f.reason);
      return { type: 'scanFailed', path: f.path, reason: f.reason, done: ++done, total };
    }),
  );
  const processed = from(plan.todo).pipe(
    mergeMap(
      (item) =>
        // The scan's memory is reserved before its bytes are read, so scans in flight stay within budget.
        from(plan.budget.acquire(item.memory)).pipe(
          switchMap((release) =>
            runTask((signal) =>
              pool.ingestScan(
                {
                  source: item.scan.path,
                  ...(item.scan.dicom ? { sourceFiles: item.scan.dicom.files } : {}),
                  cacheFile: resolve(opts.cacheDir, item.file),
                  size: opts.size,
                  knownHash: item.previous?.sourceHash,
                  maxBytes: item.maxBytes,
                  ...(opts.preprocess && { preprocess: opts.preprocess }),
                },
                signal,
              ),
            ).pipe(finalize(release)),
          ),
          catchError((e: unknown) =>
            of<IngestResult>({ kind: 'failed', reason: `worker: ${describeError(e)}`, ms: 0 }),
          ),
          map((result): IngestEvent => {
            const entry = entryFor(item, result, opts.size, opts.preprocess);
            if (!entry) {
              const reason = result.kind === 'failed' ? result.reason : 'unknown';
              plan.store.recordFailure(item.scan.path, reason);
              return { type: 'scanFailed', path: item.scan.path, reason, done: ++done, total };
            }
            plan.store.record(entry);
            if (result.kind === 'written') ingested++;
            else skipped++;
            warnings += entry.warnings?.length ?? 0;
            const stages = result.kind === 'written' ? result.stages : undefined;
            const event = scanDoneEvent(entry, result.ms, result.kind !== 'written', ++done, total, stages);
            if (item.repair === undefined || event.type !== 'scanDone') return event;
            return { ...event, warnings: [...event.warnings, `cache file rewritten: ${item.repair}`] };
          }),
        ),
      concurrency,
    ),
  );
  const finished = defer(async (): Promise<IngestEvent> => {
    plan.store.refuseDuplicates();
    await plan.store.flush();
    const wallMs = performance.now() - started;
    return {
      type: 'done',
      total,
      ingested,
      skipped,
      failed: plan.store.failures(),
      warnings,
      wallMs,
      scansPerSec: ingested > 0 ? ingested / (wallMs / 1000) : 0,
      cacheDir: opts.cacheDir,
      manifest: join(opts.cacheDir, 'manifest.json'),
    };
  });
  const start: IngestEvent = {
    type: 'start',
    total,
    cached: plan.cached.length,
    workers: pool.threads,
    cacheDir: opts.cacheDir,
    removedTemps: plan.removedTemps,
  };
  return concat(of(start), cachedEvents, unreadableEvents, processed, finished);
}

function entryFor(
  item: PlannedScan,
  result: IngestResult,
  size: Shape3,
  preprocess?: TransformEntry[],
): CacheEntry | undefined {
  const base = {
    id: item.id,
    file: item.file,
    source: item.scan.path,
    label: item.scan.label,
    className: item.scan.className,
    settingsHash: settingsHash(size, preprocess),
    sourceSize: item.sourceSize,
    sourceMtimeMs: item.sourceMtimeMs,
  };
  if (result.kind === 'unchanged' && item.previous) return { ...item.previous, ...base };
  if (result.kind !== 'written') return undefined;
  const warnings =
    result.nonFinite > 0
      ? [`${result.nonFinite} non-finite voxels (NaN/Inf) in source, set to window minimum`]
      : [];
  return {
    ...base,
    shape: result.shape,
    sourceHash: result.sourceHash,
    fileHash: result.fileHash,
    sourceShape: result.sourceShape,
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

function scanDoneEvent(
  entry: CacheEntry,
  ms: number,
  cached: boolean,
  done: number,
  total: number,
  stages?: StageTimes,
): IngestEvent {
  return {
    type: 'scanDone',
    path: entry.source,
    id: entry.id,
    ms,
    cached,
    warnings: entry.warnings ?? [],
    ...(stages ? { stages } : {}),
    done,
    total,
  };
}

/** A promise-returning task as an Observable; unsubscribing before it settles aborts it. */
function runTask<T>(start: (signal: AbortSignal) => Promise<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    const controller = new AbortController();
    let settled = false;
    start(controller.signal).then(
      (value) => {
        settled = true;
        subscriber.next(value);
        subscriber.complete();
      },
      (error: unknown) => {
        settled = true;
        subscriber.error(error);
      },
    );
    return () => {
      if (!settled) controller.abort();
    };
  });
}
