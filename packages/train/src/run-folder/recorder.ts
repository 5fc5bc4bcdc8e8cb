import { appendFile, mkdir } from 'node:fs/promises';
import type { Observable, Subscription } from 'rxjs';
import {
  appendHistory,
  type EarlyStopEvent,
  type EpochEndEvent,
  type History,
  type ResumedFrom,
  type RunEndEvent,
  type RunStartEvent,
  type TrainEvent,
} from '../events.js';
import { confusionMatrix } from '../metrics.js';
import { type CurvesOptions, writeCurvesPng } from '../png/index.js';
import { trimEventLog } from './event-log.js';
import { type RunPaths, runPaths } from './layout.js';
import { writeRunFile } from './write-run-file.js';

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
 * Subscribes to a run's event stream and keeps its run folder current: every event appended to events.jsonl
 * (the only writer of that file), history.json and curves.png after every epoch (a crashed run keeps what it
 * had), metrics.json at the end. Every JSON and PNG write is atomic.
 */
export class RunRecorder {
  private readonly history: History = {};
  private start: RunStartEvent | null = null;
  private last: EpochEndEvent | null = null;
  private earlyStop: EarlyStopEvent | null = null;
  private writes: Promise<void> = Promise.resolve();
  private failure: Error | null = null;
  private events: string[] = [];
  private readonly paths: RunPaths;

  constructor(
    readonly runDir: string,
    private readonly opts: { curves?: CurvesOptions } = {},
  ) {
    this.paths = runPaths(runDir);
  }

  /** Starts recording; the returned subscription starts the run if `events$` is cold. */
  attach(events$: Observable<TrainEvent>): Subscription {
    return events$.subscribe({
      next: (e) => this.record(e),
      error: (err: unknown) => this.recordFailure(err),
    });
  }

  /**
   * A failed run: metrics.json says why and how far it got (the error itself goes to the run's owner). A run
   * refused before it started (no runStart: bad options, a bad cache, a folder holding another run) writes
   * nothing, so the folder stays as it was.
   */
  recordFailure(err: unknown): void {
    if (!this.start) return;
    const doc = {
      error: err instanceof Error ? err.message : String(err),
      epochsRun: this.last?.epoch ?? 0,
      last: this.last ? epochSummary(this.last) : null,
      settings: this.start?.settings ?? {},
    };
    this.enqueue(() => writeRunFile(this.paths.metrics, json(doc)));
  }

  /** Handles one event (attach calls this; usable directly with any event source). */
  record(e: TrainEvent): void {
    this.events.push(JSON.stringify(e));
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
        this.enqueue(() => writeRunFile(this.paths.metrics, json(doc)));
        break;
      }
    }
    if (e.type !== 'batchEnd' || this.events.length >= 50) this.flushEvents();
  }

  /** Resolves once every queued write is on disk; rejects with the first write failure. */
  async done(): Promise<void> {
    this.flushEvents();
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
    this.enqueue(() => trimEventLog(this.paths.events, resumed.epoch));
  }

  private async writeHistory(history: History): Promise<void> {
    await writeRunFile(this.paths.history, json(history));
    await writeCurvesPng(this.paths.curves, history, this.opts.curves);
  }

  private flushEvents(): void {
    if (this.events.length === 0) return;
    const text = `${this.events.join('\n')}\n`;
    this.events = [];
    this.enqueue(async () => {
      await mkdir(this.runDir, { recursive: true });
      await appendFile(this.paths.events, text);
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
