import { appendFile, mkdir } from 'node:fs/promises';
import type { Observable, Subscription } from 'rxjs';
import type { History, ResumedFrom, TrainEvent } from '../events.js';
import { type CurvesOptions, writeCurvesPng } from '../png/index.js';
import { trimEventLog } from './event-log.js';

export { epochSummary, metricsDocument } from './run-summary.js';

import { type RunPaths, runPaths } from './layout.js';
import { json, RunSummary } from './run-summary.js';
import { writeRunFile } from './write-run-file.js';

/**
 * Subscribes to a run's event stream and keeps its run folder current: every event appended to events.jsonl
 * (the only writer of that file), history.json and curves.png after every epoch (a crashed run keeps what it
 * had), metrics.json at the end. Every JSON and PNG write is atomic.
 */
export class RunRecorder {
  private readonly summary = new RunSummary();
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
    if (!this.summary.start) return;
    const doc = this.summary.failure(err);
    this.enqueue(() => writeRunFile(this.paths.metrics, json(doc)));
  }

  /** Handles one event (attach calls this; usable directly with any event source). */
  record(e: TrainEvent): void {
    this.events.push(JSON.stringify(e));
    this.summary.record(e);
    switch (e.type) {
      case 'runStart':
        if (e.resumed) this.continueFrom(e.resumed);
        break;
      case 'epochEnd': {
        const snapshot = structuredClone(this.summary.history);
        this.enqueue(() => this.writeHistory(snapshot));
        break;
      }
      case 'runEnd': {
        const doc = this.summary.metrics(e);
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
    this.summary.continueFrom(resumed);
    const snapshot = structuredClone(this.summary.history);
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
