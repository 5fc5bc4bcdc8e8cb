import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, join, sep } from 'node:path';
import { printable } from '@ct3d/core';
import { PathRefused, readGuardedTextIfPresent, type ServedRoot, servedRoot } from '@ct3d/core/node';
import { FOLD_DIR_PATTERN, FOLD_FILES, RUN_FILES } from '@ct3d/train/run-folder';
import type { Observable, Subscription } from 'rxjs';
import {
  type DashboardEvent,
  type EventRecord,
  eventsFromHistory,
  isEvent,
  parseEventsJsonl,
  type RunErrorEvent,
  RunLog,
} from './events.js';
import { HttpError } from './http-error.js';
import { runNameSegments } from './paths.js';
import { READ_LIMITS } from './read-limits.js';

/** One run as `/api/runs` lists it. */
export interface RunSummary {
  name: string;
  live: boolean;
  /** Where the events come from: the live stream, the run's events.jsonl or its history.json. */
  source: 'live' | 'events.jsonl' | 'history.json';
  finished: boolean;
  events: number;
}

/** A cross-validation run's folds.json as the Runs tab shows it: per metric, mean and std over its folds. */
export interface FoldsSummary {
  run: string;
  folds: number;
  /** Folds with a finished run, and those without. */
  finished: number;
  missing: number[];
  mean: Record<string, number>;
  std: Record<string, number>;
  /** Why folds.json could not be shown (then no numbers). */
  error?: string;
}

const failedFolds = (run: string, error: string): FoldsSummary => ({
  run,
  folds: 0,
  finished: 0,
  missing: [],
  mean: {},
  std: {},
  error,
});

const numbers = (v: unknown): Record<string, number> =>
  typeof v === 'object' && v !== null
    ? Object.fromEntries(
        Object.entries(v).filter(
          (e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1]),
        ),
      )
    : {};

/** The fields of a parsed folds.json (@ct3d/train's FoldSummary) the tab needs; null when it is not one. */
function foldsSummary(run: string, doc: unknown): FoldsSummary | null {
  if (typeof doc !== 'object' || doc === null) return null;
  const d = doc as Record<string, unknown>;
  if (typeof d.folds !== 'number' || !Array.isArray(d.results)) return null;
  return {
    run,
    folds: d.folds,
    finished: d.results.length,
    missing: Array.isArray(d.missing) ? d.missing.filter((n): n is number => typeof n === 'number') : [],
    mean: numbers(d.mean),
    std: numbers(d.std),
  };
}

/** A run file's text parsed by `parse`; a parse failure is a 500 naming the run and file, not the disk path. */
function parseRunFile<T>(
  run: string,
  file: string,
  text: string,
  parse: (text: string, name: string) => T,
): T {
  const name = `run ${run}: ${file}`;
  try {
    return parse(text, name);
  } catch (err) {
    const message = (err as Error).message;
    throw new HttpError(500, message.startsWith(name) ? message : `${name}: not valid JSON`);
  }
}

/** The live run (if any) plus the finished runs found as sub-folders of `runsDir`. */
export class RunStore {
  private readonly liveRuns = new Map<string, RunLog>();
  private readonly subscriptions: Subscription[] = [];
  /** The root of every file of every run: a run's files are read as <run>/<file> under it. */
  readonly root: ServedRoot;

  constructor(
    readonly runsDir: string,
    /** Where a fault of the live feed is reported (one line); the trainer's stream never sees it. */
    private readonly logLine: (line: string) => void = (line) => console.error(printable(line)),
  ) {
    this.root = servedRoot(runsDir);
  }

  /**
   * Feeds a live event stream into a new run. The run is named `name`, else after the basename of the
   * first event's `runDir`, else `live-<time>`. Its events stay in memory: the trainer's RunRecorder writes
   * events.jsonl.
   */
  attach(events$: Observable<DashboardEvent>, name?: string): void {
    let log: RunLog | undefined;
    const ensure = (first?: EventRecord): RunLog => {
      if (log) return log;
      const fromDir = typeof first?.runDir === 'string' ? basename(first.runDir) : undefined;
      let runName = name ?? fromDir ?? `live-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      runNameSegments(runName);
      while (this.liveRuns.has(runName)) runName += '+';
      log = new RunLog(runName, true);
      this.liveRuns.set(runName, log);
      return log;
    };
    if (name) ensure();
    // A throw inside an RxJS subscriber is rethrown asynchronously and would end the training process:
    // whatever goes wrong here (an event that cannot be serialised, a bad run name) is logged, not thrown.
    const safely = (what: string, body: () => void) => {
      try {
        body();
      } catch (err) {
        this.logLine(`dashboard: live run event (${what}) dropped: ${(err as Error).message}`);
      }
    };
    this.subscriptions.push(
      events$.subscribe({
        next: (e) =>
          safely(isEvent(e) ? e.type : 'not an event', () => {
            if (isEvent(e)) ensure(e).append(e);
          }),
        error: (err: unknown) =>
          safely('error', () => {
            const l = ensure();
            const failure: RunErrorEvent = {
              type: 'error',
              message: err instanceof Error ? err.message : String(err),
            };
            l.append(failure);
            l.finish();
          }),
        complete: () => safely('complete', () => ensure().finish()),
      }),
    );
  }

  liveNames(): string[] {
    return [...this.liveRuns.keys()];
  }

  async list(): Promise<RunSummary[]> {
    const out: RunSummary[] = [];
    for (const log of this.liveRuns.values()) out.push(summary(log, 'live'));
    const dirs = await readdir(this.runsDir, { withFileTypes: true }).catch(() => []);
    for (const d of dirs.sort((a, b) => a.name.localeCompare(b.name))) {
      if (!d.isDirectory() || this.liveRuns.has(d.name)) continue;
      const loaded = await this.loadFinished(d.name).catch(() => null);
      if (loaded) out.push(summary(loaded.log, loaded.source));
      // A cross-validation run (`ct3d train --folds`): its fold-i/ run folders, listed as "<run>/fold-i".
      for (const fold of await this.foldNames(d.name)) {
        const f = await this.loadFinished(fold).catch(() => null);
        if (f) out.push(summary(f.log, f.source));
      }
    }
    return out;
  }

  /** The folds.json of each cross-validation run folder (`ct3d train --folds`), in name order. */
  async foldSummaries(): Promise<FoldsSummary[]> {
    const out: FoldsSummary[] = [];
    const dirs = await readdir(this.runsDir, { withFileTypes: true }).catch(() => []);
    for (const d of dirs.sort((a, b) => a.name.localeCompare(b.name))) {
      if (!d.isDirectory()) continue;
      // A folds.json that cannot be read or is not one is listed with why, not left out.
      let summary: FoldsSummary | null;
      try {
        const path = [d.name, FOLD_FILES.summary];
        const text = await readGuardedTextIfPresent(this.root, path, READ_LIMITS.json);
        if (text === undefined) continue;
        const doc = parseRunFile(d.name, FOLD_FILES.summary, text, (t): unknown => JSON.parse(t));
        summary = foldsSummary(d.name, doc) ?? failedFolds(d.name, 'not a folds summary');
      } catch (err) {
        summary = failedFolds(d.name, (err as Error).message);
      }
      out.push(summary);
    }
    return out;
  }

  /** "<run>/fold-i" for each fold-i/ folder of the run folder `name`, in fold order. */
  private async foldNames(name: string): Promise<string[]> {
    const subs = await readdir(join(this.runsDir, name), { withFileTypes: true }).catch(() => []);
    return subs
      .filter((s) => s.isDirectory() && FOLD_DIR_PATTERN.test(s.name))
      .map((s) => s.name)
      .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)))
      .map((s) => `${name}/${s}`);
  }

  /** The run called `name`: live, or loaded from disk (throws PathRefused 404/403 for unknown or unsafe names). */
  async get(name: string): Promise<RunLog> {
    const live = this.liveRuns.get(name);
    if (live) return live;
    return (await this.loadFinished(name)).log;
  }

  /**
   * The segments of a run's folder under `root`, once that folder is known to exist inside the runs folder
   * (404 for an unknown name, 403 for a run folder linked out). Its files are then opened under `root` as
   * [...segments, file], so each is checked against the runs folder again, links and all.
   */
  async runSegments(name: string): Promise<string[]> {
    const segments = runNameSegments(name);
    const root = await realpath(this.runsDir);
    const dir = await realpath(join(root, ...segments)).catch((): never => {
      throw new PathRefused(404, `no run ${name}`);
    });
    if (!dir.startsWith(root + sep)) throw new PathRefused(403, 'run outside the runs folder');
    if (!(await stat(dir)).isDirectory()) throw new PathRefused(404, `no run ${name}`);
    return segments;
  }

  close(): void {
    for (const s of this.subscriptions) s.unsubscribe();
  }

  private async loadFinished(name: string): Promise<{ log: RunLog; source: RunSummary['source'] }> {
    const segments = await this.runSegments(name);
    // Through the guarded read: a symlinked events.jsonl pointing out of the runs folder is refused.
    const read = (file: string) => readGuardedTextIfPresent(this.root, [...segments, file], READ_LIMITS.json);
    let events: readonly DashboardEvent[];
    let source: RunSummary['source'];
    const jsonl = await read(RUN_FILES.events);
    const historyText = jsonl === undefined ? await read(RUN_FILES.history) : undefined;
    if (jsonl !== undefined) {
      events = parseRunFile(name, RUN_FILES.events, jsonl, parseEventsJsonl);
      source = 'events.jsonl';
    } else if (historyText !== undefined) {
      const history = parseRunFile(name, RUN_FILES.history, historyText, (t): unknown => JSON.parse(t));
      if (typeof history !== 'object' || history === null || Array.isArray(history)) {
        throw new HttpError(500, `run ${name}: history.json: expected an object of metric arrays`);
      }
      const metricsText = await read(RUN_FILES.metrics);
      const metrics =
        metricsText === undefined
          ? undefined
          : parseRunFile(name, RUN_FILES.metrics, metricsText, (t): unknown => JSON.parse(t));
      events = eventsFromHistory(history as Record<string, unknown>, metrics);
      source = 'history.json';
    } else {
      throw new PathRefused(404, `run ${name}: neither events.jsonl nor history.json`);
    }
    const log = new RunLog(name, false);
    for (const e of events) log.append(e);
    log.finish();
    return { log, source };
  }
}

function summary(log: RunLog, source: RunSummary['source']): RunSummary {
  const finished = log.done || log.events.some((e) => e.event.type === 'runEnd');
  return { name: log.name, live: log.live, source, finished, events: log.events.length };
}
