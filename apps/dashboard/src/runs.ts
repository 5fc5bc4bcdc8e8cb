import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, join, sep } from 'node:path';
import type { Observable, Subscription } from 'rxjs';
import {
  type DashboardEvent,
  type EventRecord,
  eventsFromHistory,
  isEvent,
  parseEventsJsonl,
  RunLog,
} from './events.js';
import { decodeSegments, PathRefused } from './paths.js';

export interface RunSummary {
  name: string;
  live: boolean;
  /** Where the events come from: the live stream, the run's events.jsonl or its history.json. */
  source: 'live' | 'events.jsonl' | 'history.json';
  finished: boolean;
  events: number;
}

async function readJson(path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${path}: not valid JSON`);
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** The live run (if any) plus the finished runs found as sub-folders of `runsDir`. */
export class RunStore {
  private readonly liveRuns = new Map<string, RunLog>();
  private readonly subscriptions: Subscription[] = [];

  constructor(
    readonly runsDir: string,
    private readonly writeEventLog: boolean,
  ) {}

  /**
   * Feeds a live event stream into a new run. The run is named `name`, else after the basename of the
   * first event's `runDir`, else `live-<time>`; its events are appended to `<runsDir>/<name>/events.jsonl`.
   */
  attach(events$: Observable<DashboardEvent>, name?: string): void {
    let log: RunLog | undefined;
    const ensure = (first?: EventRecord): RunLog => {
      if (log) return log;
      const fromDir = typeof first?.runDir === 'string' ? basename(first.runDir) : undefined;
      let runName = name ?? fromDir ?? `live-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      decodeSegments([encodeURIComponent(runName)]);
      while (this.liveRuns.has(runName)) runName += '+';
      const jsonl = this.writeEventLog ? join(this.runsDir, runName, 'events.jsonl') : undefined;
      log = new RunLog(runName, true, jsonl);
      this.liveRuns.set(runName, log);
      return log;
    };
    if (name) ensure();
    this.subscriptions.push(
      events$.subscribe({
        next: (e) => {
          if (isEvent(e)) ensure(e).append(e);
        },
        error: (err: unknown) => {
          const l = ensure();
          const failure: EventRecord = {
            type: 'error',
            message: err instanceof Error ? err.message : String(err),
          };
          l.append(failure);
          l.finish();
        },
        complete: () => ensure().finish(),
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
    }
    return out;
  }

  /** The run called `name`: live, or loaded from disk (throws PathRefused 404/403 for unknown or unsafe names). */
  async get(name: string): Promise<RunLog> {
    const live = this.liveRuns.get(name);
    if (live) return live;
    return (await this.loadFinished(name)).log;
  }

  /** Real path of a run's folder, refusing names that leave runsDir. */
  async runDir(name: string): Promise<string> {
    decodeSegments([encodeURIComponent(name)]);
    const root = await realpath(this.runsDir);
    const dir = await realpath(join(root, name)).catch(() => {
      throw new PathRefused(404, `no run ${name}`);
    });
    if (!dir.startsWith(root + sep)) throw new PathRefused(403, 'run outside the runs folder');
    if (!(await stat(dir)).isDirectory()) throw new PathRefused(404, `no run ${name}`);
    return dir;
  }

  async flushed(): Promise<void> {
    await Promise.all([...this.liveRuns.values()].map((l) => l.flushed()));
  }

  close(): void {
    for (const s of this.subscriptions) s.unsubscribe();
  }

  private async loadFinished(name: string): Promise<{ log: RunLog; source: RunSummary['source'] }> {
    const dir = await this.runDir(name);
    let events: EventRecord[];
    let source: RunSummary['source'];
    if (await exists(join(dir, 'events.jsonl'))) {
      const file = join(dir, 'events.jsonl');
      events = parseEventsJsonl(await readFile(file, 'utf8'), file);
      source = 'events.jsonl';
    } else if (await exists(join(dir, 'history.json'))) {
      const history = await readJson(join(dir, 'history.json'));
      if (typeof history !== 'object' || history === null || Array.isArray(history)) {
        throw new Error(`${join(dir, 'history.json')}: expected an object of metric arrays`);
      }
      const metricsFile = join(dir, 'metrics.json');
      const metrics = (await exists(metricsFile)) ? await readJson(metricsFile) : undefined;
      events = eventsFromHistory(history as Record<string, unknown>, metrics);
      source = 'history.json';
    } else {
      throw new PathRefused(404, `${dir}: neither events.jsonl nor history.json`);
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
