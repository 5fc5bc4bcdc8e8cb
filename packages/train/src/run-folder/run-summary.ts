// What a run's event stream says of the run, browser-safe: its history and metrics.json. RunRecorder writes
// them into the run folder as the events come; the training page puts the same documents in its download.
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

/** A run folder's JSON text: indented, one final newline. */
export const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;

/** The run so far, from its events: start, last epoch, early stop and history. */
export class RunSummary {
  readonly history: History = {};
  start: RunStartEvent | null = null;
  last: EpochEndEvent | null = null;
  earlyStop: EarlyStopEvent | null = null;

  /** Takes one event of the run, in order. */
  record(e: TrainEvent): void {
    if (e.type === 'runStart') this.start = e;
    else if (e.type === 'epochEnd') {
      this.last = e;
      appendHistory(this.history, e);
    } else if (e.type === 'earlyStop') this.earlyStop = e;
  }

  /** A resumed run: the history goes back to the checkpoint's. */
  continueFrom(resumed: ResumedFrom): void {
    for (const key of Object.keys(this.history)) delete this.history[key];
    Object.assign(this.history, structuredClone(resumed.history));
    this.last = resumed.last;
  }

  /** metrics.json of the run that ended with `end`. */
  metrics(end: RunEndEvent): Record<string, unknown> {
    return metricsDocument(this.start, end, this.last, this.earlyStop);
  }

  /** metrics.json of a failed run: why, and how far it got. */
  failure(err: unknown): Record<string, unknown> {
    return {
      error: err instanceof Error ? err.message : String(err),
      epochsRun: this.last?.epoch ?? 0,
      last: this.last ? epochSummary(this.last) : null,
      settings: this.start?.settings ?? {},
    };
  }
}
