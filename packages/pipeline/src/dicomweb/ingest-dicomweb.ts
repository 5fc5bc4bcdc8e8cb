// `ct3d ingest --dicomweb`: the labelled studies' series, fetched from a PACS (fetchLabelledSeries), decoded
// and preprocessed by the same worker pool into the same cache a folder ingest gives. The instances' bytes
// go to the worker in memory (they carry the patient's identity: never spooled to disk). Each cached series
// is recorded by the hash of its UIDs, so an interrupted run resumes without fetching it again.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { TransformEntry } from '@ct3d/augment';
import { printable } from '@ct3d/core';
import { parseDicomFile, safeDescription, shortHash, uidHash } from '@ct3d/io/dicom';
import {
  type CacheEntry,
  cachedFileProblem,
  loadCache,
  MANIFEST_FILE,
  removeStaleTemps,
  settingsHash,
} from '../cache.js';
import { ManifestStore } from '../manifest-store.js';
import { createWorkerPool, type WorkerPool } from '../pool.js';
import { describeError } from '../scan-work.js';
import type { IngestResult, Shape3 } from '../tasks.js';
import { type FetchLabelledOptions, fetchLabelledSeries, type LabelledSeries } from './labelled-series.js';
import type { DicomwebEvent, RetrieveSummary } from './retrieve-studies.js';

/** Options of ingestDicomweb. */
export interface DicomwebIngestOptions
  extends Omit<FetchLabelledOptions, 'skipSeries' | 'onEvent' | 'classes'> {
  cacheDir: string;
  size: Shape3;
  /** Threads for a pool created (and closed) by this run; ignored when `pool` is given. */
  workers?: number;
  pool?: WorkerPool;
  /** The recipe's preprocessing, checked (default: the seed preset at `size`), as for a folder ingest. */
  preprocess?: TransformEntry[];
  /** Told of each event as it happens. */
  onEvent?: (event: DicomwebIngestEvent) => void;
}

/** What ingestDicomweb reports: the fetch events plus each cached or failed series. */
export type DicomwebIngestEvent =
  | DicomwebEvent
  /** Series an earlier run cached (same settings, intact files): kept, not fetched again. */
  | { type: 'resumed'; cached: number; removedTemps: string[] }
  | { type: 'scanDone'; path: string; id: string; warnings: string[] }
  /** A fetched series that could not be decoded: `path` names its study (labels line + hash) and series. */
  | { type: 'scanFailed'; path: string; reason: string };

/** What ingestDicomweb cached, resumed and failed. */
export interface DicomwebIngestSummary {
  /** Series decoded and written by this run. */
  ingested: number;
  /** Series kept from an earlier run. */
  cached: number;
  /** Every failure, fetching or decoding: `path` names the study (and series), never a UID. */
  failed: { path: string; reason: string }[];
  /** Series turned down (other modalities, --series), one line each. */
  ignored: string[];
  warnings: { path: string; text: string }[];
  fetch: RetrieveSummary;
  wallMs: number;
  cacheDir: string;
  manifest: string;
}

/** "labels.csv line 4 (study 1a2b3c4d5e6f)": how lines name a study. */
function studyRef(ref: string, studyHash: string): string {
  return `${printable(ref)} (study ${shortHash(studyHash)})`;
}

/** The manifest's `source` of a PACS series: stable across runs, no UID, no server address. */
function pacsSource(studyHash: string, name: string): string {
  return `dicomweb/study-${shortHash(studyHash)}/${name}`;
}

/**
 * The series' name as folder ingest names it: the SeriesDescription of its first file (dropped when it
 * repeats the patient's identity, as io does) cut to a safe name, plus the short hash of the series UID.
 */
function seriesName(series: LabelledSeries): string {
  const first = parseDicomFile(series.instances[0], 'instance 1');
  return `${safeDescription(first.seriesDescription)}-${shortHash(series.seriesHash)}`;
}

/** The instances back to back in one new buffer (the worker gets it transferred), and their lengths. */
function packInstances(instances: Uint8Array[]): { buffer: ArrayBuffer; lengths: number[] } {
  const lengths = instances.map((b) => b.byteLength);
  const packed = new Uint8Array(lengths.reduce((a, b) => a + b, 0));
  let offset = 0;
  for (const bytes of instances) {
    packed.set(bytes, offset);
    offset += bytes.byteLength;
  }
  return { buffer: packed.buffer, lengths };
}

/** Fetches, decodes and caches the labelled studies' series; failures are lines, the rest goes on. */
export async function ingestDicomweb(opts: DicomwebIngestOptions): Promise<DicomwebIngestSummary> {
  const { cacheDir, size } = opts;
  if (size.length !== 3 || size.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error(`ingest: size must be 3 integers >= 1, got ${size.join('x')}`);
  }
  const started = performance.now();
  const emit = (e: DicomwebIngestEvent) => opts.onEvent?.(e);
  await mkdir(cacheDir, { recursive: true });
  const removedTemps = await removeStaleTemps(cacheDir);
  const previous = await loadCache(cacheDir);
  const settings = settingsHash(size, opts.preprocess);
  const classNames = [...new Set(opts.labels.map((l) => l.className))];
  const studies = new Map(opts.labels.map((l) => [uidHash(l.studyUID), l]));
  const store = new ManifestStore(cacheDir, size, [], opts.preprocess);
  // Sorted at the end by labels line, then name: the manifest's order does not depend on fetch timing.
  const orderKey = new Map<string, [number, string]>();
  const keep = (path: string, line: number, name: string) => {
    store.add(path);
    orderKey.set(resolve(path), [line, name]);
  };

  // Series an earlier run finished, still labelled, made with the same settings, with intact files.
  const resumed = new Map<string, string>();
  for (const entry of previous.entries) {
    const row = entry.studyHash ? studies.get(entry.studyHash) : undefined;
    if (!row || !entry.seriesHash || entry.settingsHash !== settings) continue;
    if ((await cachedFileProblem(cacheDir, entry)) !== undefined) continue;
    const source = pacsSource(entry.studyHash as string, entry.id);
    keep(source, row.line, entry.id);
    store.record({ ...entry, source, label: classNames.indexOf(row.className), className: row.className });
    resumed.set(entry.seriesHash, source);
  }
  emit({ type: 'resumed', cached: resumed.size, removedTemps });

  const owned = opts.pool ? undefined : createWorkerPool({ workers: opts.workers });
  const pool = (opts.pool ?? owned) as WorkerPool;
  const failed: { path: string; reason: string }[] = [];
  const ignored: string[] = [];
  const warnings: { path: string; text: string }[] = [];
  let ingested = 0;
  const fail = (path: string, reason: string, line: number) => {
    keep(path, line, '');
    store.recordFailure(path, reason);
    failed.push({ path, reason });
  };

  const lineOf = (studyHash?: string) => (studyHash ? (studies.get(studyHash)?.line ?? 0) : Infinity);
  const onFetchEvent = (e: DicomwebEvent) => {
    if (e.type === 'failed') fail(e.subject, e.reason, lineOf(e.studyHash));
    if (e.type === 'ignored') {
      ignored.push(e.message);
      // A series cached earlier that --series (or the modality) now turns down leaves this manifest.
      const source = resumed.get(e.seriesHash);
      if (source !== undefined) store.remove(source);
    }
    emit(e);
  };

  const cacheSeries = async (series: LabelledSeries): Promise<void> => {
    const study = studyRef(series.ref, series.studyHash);
    const line = lineOf(series.studyHash);
    let name = `series ${shortHash(series.seriesHash)}`;
    let result: IngestResult;
    try {
      name = seriesName(series);
      result = await pool.ingestScan({
        source: `${study}, series ${name}`,
        sourceBytes: packInstances(series.instances),
        cacheFile: resolve(cacheDir, `${name}.nii`),
        size,
        ...(opts.preprocess && { preprocess: opts.preprocess }),
      });
    } catch (error) {
      result = { kind: 'failed', reason: describeError(error), ms: 0 };
    }
    if (result.kind !== 'written') {
      const reason = result.kind === 'failed' ? result.reason : 'unexpected result';
      fail(`${study}, series ${name}`, reason, line);
      emit({ type: 'scanFailed', path: `${study}, series ${name}`, reason });
      return;
    }
    const source = pacsSource(series.studyHash, name);
    const entryWarnings =
      result.nonFinite > 0
        ? [`${result.nonFinite} non-finite voxels (NaN/Inf) in source, set to window minimum`]
        : [];
    const entry: CacheEntry = {
      id: name,
      file: `${name}.nii`,
      source,
      label: series.label,
      className: series.className,
      shape: result.shape,
      sourceHash: result.sourceHash,
      fileHash: result.fileHash,
      settingsHash: settings,
      sourceShape: result.sourceShape,
      seriesHash: series.seriesHash,
      studyHash: series.studyHash,
      ...(entryWarnings.length > 0 ? { warnings: entryWarnings } : {}),
    };
    keep(source, line, name);
    store.record(entry);
    ingested++;
    for (const text of entryWarnings) warnings.push({ path: source, text });
    emit({ type: 'scanDone', path: source, id: name, warnings: entryWarnings });
  };

  let fetch: RetrieveSummary;
  try {
    const series = fetchLabelledSeries({
      ...opts,
      classes: Object.fromEntries(classNames.map((c, i) => [c, i])),
      skipSeries: new Set(resumed.keys()),
      onEvent: onFetchEvent,
    });
    // Decoding runs beside fetching: at most one series per thread in the pool at once.
    const inFlight = new Set<Promise<void>>();
    let next = await series.next();
    while (!next.done) {
      const task: Promise<void> = cacheSeries(next.value).finally(() => inFlight.delete(task));
      inFlight.add(task);
      if (inFlight.size >= pool.threads) await Promise.race(inFlight);
      next = await series.next();
    }
    await Promise.all(inFlight);
    fetch = next.value;
  } finally {
    await owned?.close().catch(() => undefined);
  }
  const key = (p: string) => orderKey.get(resolve(p)) ?? [Infinity, p];
  store.order.sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    return ka[0] - kb[0] || (ka[1] < kb[1] ? -1 : ka[1] > kb[1] ? 1 : 0);
  });
  store.refuseDuplicates();
  await store.flush();
  const refused = store.failures().filter((f) => !failed.some((g) => g.path === f.path));
  return {
    ingested: ingested - refused.length,
    cached: resumed.size,
    failed: [...failed, ...refused],
    ignored,
    warnings,
    fetch,
    wallMs: performance.now() - started,
    cacheDir,
    manifest: join(cacheDir, MANIFEST_FILE),
  };
}
