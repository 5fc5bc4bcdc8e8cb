import { join } from 'node:path';
import type { Observable, Subscription } from 'rxjs';
import { writeFileAtomic } from './atomic.js';
import { EVENTS_FILE, trimEventLog } from './event-log.js';
import {
  appendHistory,
  type EarlyStopEvent,
  type EpochEndEvent,
  type History,
  type ResumedFrom,
  type RunEndEvent,
  type RunStartEvent,
  type TrainEvent,
} from './events.js';
import { confusionMatrix } from './metrics.js';
import { type CurvesOptions, writeCurvesPng } from './png/index.js';

export const HISTORY_FILE = 'history.json';
export const METRICS_FILE = 'metrics.json';
export const CURVES_FILE = 'curves.png';

/** An epoch's metrics for metrics.json (the confusion counts also as a [[tn, fp], [fn, tp]] matrix). */
export function epochSummary(e: EpochEndEvent): Record<string, unknown> {
  const { type: _type, ...rest } = e;
  return { ...rest, ...(e.confusion && { confusionMatrix: confusionMatrix(e.confusion) }) };
}

/** The metrics.json document: best epoch and its metrics, last epoch, early stop, settings. */
export function metricsDocument(
  start: RunStartEvent | null,
  end: RunEndEvent,
  last: EpochEndEvent | null,
  earlyStop: EarlyStopEvent | null,
): Record<string, unknown> {
  return {
    bestEpoch: end.bestEpoch,
    best: end.best ? epochSummary(end.best) : null,
    last: last ? epochSummary(last) : null,
    epochsRun: end.epochsRun,
    stoppedEarly: end.stoppedEarly,
    earlyStop: earlyStop
      ? {
          epoch: earlyStop.epoch,
          bestEpoch: earlyStop.bestEpoch,
          monitor: earlyStop.monitor,
          best: earlyStop.best,
        }
      : null,
    confusionMatrixLayout: (end.best ?? last)?.val_per_class
      ? 'rows: true class [0..k-1]; columns: predicted (argmax) class [0..k-1]'
      : 'rows: true class [0, 1]; columns: predicted class [0, 1]',
    modelPath: end.modelPath,
    bestPath: end.bestPath,
    backend: start?.backend ?? null,
    stepsPerEpoch: start?.stepsPerEpoch ?? null,
    started: start?.time ?? null,
    ms: end.ms,
    settings: start?.settings ?? {},
  };
}

const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;

/**
 * Subscribes to a run's event stream and keeps its run folder current: history.json and curves.png after
 * every epoch (a crashed run keeps what it had), metrics.json at the end. Every write is atomic.
 * Optionally appends every event to events.jsonl.
 */
export class RunRecorder {
  private readonly history: History = {};
  private start: RunStartEvent | null = null;
  private last: EpochEndEvent | null = null;
  private earlyStop: EarlyStopEvent | null = null;
  private writes: Promise<void> = Promise.resolve();
  private failure: Error | null = null;
  private events: string[] = [];

  constructor(
    readonly runDir: string,
    private readonly opts: { curves?: CurvesOptions; eventsJsonl?: boolean } = {},
  ) {}

  /** Starts recording; the returned subscription starts the run if `events$` is cold. */
  attach(events$: Observable<TrainEvent>): Subscription {
    return events$.subscribe({
      next: (e) => this.record(e),
      error: (err: unknown) => this.recordFailure(err),
    });
  }

  /** A failed run: metrics.json says why and how far it got (the error itself goes to the run's owner). */
  recordFailure(err: unknown): void {
    const doc = {
      error: err instanceof Error ? err.message : String(err),
      epochsRun: this.last?.epoch ?? 0,
      last: this.last ? epochSummary(this.last) : null,
      settings: this.start?.settings ?? {},
    };
    this.enqueue(() => writeFileAtomic(join(this.runDir, METRICS_FILE), json(doc)));
  }

  /** Handles one event (attach calls this; usable directly with any event source). */
  record(e: TrainEvent): void {
    if (this.opts.eventsJsonl) this.events.push(JSON.stringify(e));
    switch (e.type) {
      case 'runStart':
        this.start = e;
        if (e.resumed) this.continueFrom(e.resumed);
        break;
      case 'epochEnd': {
        this.last = e;
        appendHistory(this.history, e);
        const snapshot = structuredClone(this.history);
        this.enqueue(() => this.writeHistory(snapshot));
        break;
      }
      case 'earlyStop':
        this.earlyStop = e;
        break;
      case 'runEnd': {
        const doc = metricsDocument(this.start, e, this.last, this.earlyStop);
        this.enqueue(() => writeFileAtomic(join(this.runDir, METRICS_FILE), json(doc)));
        break;
      }
    }
    if (this.opts.eventsJsonl && (e.type !== 'batchEnd' || this.events.length >= 50)) this.flushEvents();
  }

  /** Resolves once every queued write is on disk; rejects with the first write failure. */
  async done(): Promise<void> {
    if (this.opts.eventsJsonl) this.flushEvents();
    await this.writes;
    if (this.failure) throw this.failure;
  }

  /** A resumed run: history.json (and events.jsonl) go back to the checkpoint's epoch, then grow again. */
  private continueFrom(resumed: ResumedFrom): void {
    for (const key of Object.keys(this.history)) delete this.history[key];
    Object.assign(this.history, structuredClone(resumed.history));
    this.last = resumed.last;
    const snapshot = structuredClone(this.history);
    this.enqueue(() => this.writeHistory(snapshot));
    // Queued before this runStart's own line is appended (record() flushes after the switch).
    if (this.opts.eventsJsonl)
      this.enqueue(() => trimEventLog(join(this.runDir, EVENTS_FILE), resumed.epoch));
  }

  private async writeHistory(history: History): Promise<void> {
    await writeFileAtomic(join(this.runDir, HISTORY_FILE), json(history));
    await writeCurvesPng(join(this.runDir, CURVES_FILE), history, this.opts.curves);
  }

  private flushEvents(): void {
    if (this.events.length === 0) return;
    const text = `${this.events.join('\n')}\n`;
    this.events = [];
    const path = join(this.runDir, EVENTS_FILE);
    this.enqueue(async () => {
      const { appendFile, mkdir } = await import('node:fs/promises');
      await mkdir(this.runDir, { recursive: true });
      await appendFile(path, text);
    });
  }

  private enqueue(write: () => Promise<void>): void {
    this.writes = this.writes.then(async () => {
      if (this.failure) return;
      try {
        await write();
      } catch (err) {
        this.failure = err instanceof Error ? err : new Error(String(err));
      }
    });
  }
}
