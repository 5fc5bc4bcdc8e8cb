import type { Confusion } from './metrics.js';
import type { ClassMetrics } from './multiclass-metrics.js';

/** Keras-like history: metric name -> one value per epoch (acc, loss, val_acc, val_loss, val_auc, lr, ...). */
export type History = Record<string, number[]>;

/** The first event of a run: its settings and backend. */
export interface RunStartEvent {
  type: 'runStart';
  epochs: number;
  /** Steps (batches) per training epoch when known in advance, else null. */
  stepsPerEpoch: number | null;
  backend: string;
  /** The resolved training settings merged with the caller's (data, seed, sizes, ...). */
  settings: Record<string, unknown>;
  runDir: string | null;
  /** ISO time the run started. */
  time: string;
  /** Set when the run continues from a resume checkpoint: its last finished epoch and the history so far. */
  resumed?: ResumedFrom;
}

/** Where a resumed run continues from. */
export interface ResumedFrom {
  epoch: number;
  history: History;
  /** The checkpoint epoch's epochEnd event. */
  last: EpochEndEvent | null;
}

/** After each training step: its loss, accuracy and timings. */
export interface BatchEndEvent {
  type: 'batchEnd';
  /** 1-based epoch and step. */
  epoch: number;
  step: number;
  /** Batch size of this step. */
  size: number;
  loss: number;
  acc: number;
  /** Whole step: waitMs + computeMs + bookkeeping. */
  ms: number;
  /** Time waiting for the batch source (data loading not hidden by prefetch). */
  waitMs: number;
  /** Forward + backward + update, until the loss was read back. */
  computeMs: number;
  /** Ready batches queued when this one was taken (from the source; 0 when it does not say). */
  queueDepth: number;
  /** Worker pool utilization (0..1) from the batch source; absent when it does not say. */
  poolUtilization?: number;
  /** Learning rate used by this step. */
  lr: number;
}

/** After each epoch's validation: the epoch's training and validation metrics. */
export interface EpochEndEvent {
  type: 'epochEnd';
  epoch: number;
  epochs: number;
  /** Training steps run this epoch. */
  steps: number;
  /** Sample-weighted means over the epoch's training batches (training mode, as Keras reports). */
  acc: number;
  loss: number;
  val_acc?: number;
  val_loss?: number;
  val_auc?: number;
  val_sensitivity?: number;
  val_specificity?: number;
  /**
   * Present only when every validation scan was given one class (at the threshold, or by argmax): that
   * class's index. The epoch line then says so; with Keras BatchNorm statistics on small data it is the
   * usual sign that the moving averages do not match the trained weights.
   */
  val_one_class?: number;
  /** Validation confusion counts at the threshold. */
  confusion?: Confusion;
  /** Each validation scan's probability of class 1 (for ROC curves and per-scan views). */
  predictions?: { id: string; label: number; prob: number }[];
  /** Multi-class (softmax head) only: macro averages over the k classes. val_auc is then the macro one-vs-rest AUC. */
  val_macro_precision?: number;
  val_macro_recall?: number;
  val_macro_f1?: number;
  /** Multi-class only: each class's validation metrics (index = label). */
  val_per_class?: ClassMetricsRow[];
  /** Multi-class only: k x k validation counts, row = true class, column = predicted (argmax) class. */
  confusionMatrix?: number[][];
  /** Multi-class only: each validation scan's class probabilities and argmax class. */
  classPredictions?: { id: string; label: number; pred: number; probs: number[] }[];
  /** Whole epoch, validation included. */
  ms: number;
  /** Training time per step, the first (warm-up) step excluded when there are several. */
  msPerStep: number;
  /** Validation pass time. */
  valMs: number;
  /** Of valMs: the precise-BatchNorm pass (recomputing the statistics), when the run has one. */
  bnStatsMs?: number;
  /** Learning rate of the epoch's last step. */
  lr: number;
}

/** One class's validation metrics in an epoch, with the class's name. */
export interface ClassMetricsRow extends ClassMetrics {
  name: string;
}

/** The best model so far was saved. */
export interface CheckpointEvent {
  type: 'checkpoint';
  epoch: number;
  /** Folder the best model was saved to. */
  path: string;
  monitor: string;
  value: number;
  /** The monitored value under the seed's name when monitoring val_loss (the default). */
  val_loss?: number;
}

/** Training stops early: the monitored metric did not improve for `patience` epochs. */
export interface EarlyStopEvent {
  type: 'earlyStop';
  epoch: number;
  /** Epoch with the best early-stopping monitor value (val_acc by default). */
  bestEpoch: number;
  monitor: string;
  best: number;
}

/** The run is over: its history and best epoch. */
export interface RunEndEvent {
  type: 'runEnd';
  /** Best epoch by the checkpoint monitor (val_loss by default; 0 if none was better than infinity). */
  bestEpoch: number;
  history: History;
  stoppedEarly: boolean;
  epochsRun: number;
  /** The best epoch's epochEnd event, when any. */
  best: EpochEndEvent | null;
  /** Final model folder (runDir/model) and best checkpoint folder (runDir/best), when written. */
  modelPath: string | null;
  bestPath: string | null;
  ms: number;
}

/**
 * Every event of a training run, in order: runStart, then batchEnd and epochEnd (with checkpoint and
 * earlyStop), then runEnd.
 */
export type TrainEvent =
  | RunStartEvent
  | BatchEndEvent
  | EpochEndEvent
  | CheckpointEvent
  | EarlyStopEvent
  | RunEndEvent;

/** The per-epoch numbers that go into history.json, in Keras-like order. */
export const HISTORY_KEYS = [
  'acc',
  'loss',
  'val_acc',
  'val_loss',
  'val_auc',
  'val_sensitivity',
  'val_specificity',
  'val_macro_precision',
  'val_macro_recall',
  'val_macro_f1',
  'lr',
] as const;

/** Per-class metrics that go into history.json as `<key>_<label>` (val_recall_0, val_f1_2, ...). */
export const PER_CLASS_HISTORY_KEYS = ['precision', 'recall', 'f1', 'auc'] as const;

/** Appends an epoch's numbers to a history (only the keys the event has). */
export function appendHistory(history: History, e: EpochEndEvent): History {
  for (const key of HISTORY_KEYS) {
    const value = e[key];
    if (value === undefined) continue;
    history[key] ??= [];
    history[key].push(value);
  }
  for (const [c, m] of (e.val_per_class ?? []).entries()) {
    for (const key of PER_CLASS_HISTORY_KEYS) {
      history[`val_${key}_${c}`] ??= [];
      history[`val_${key}_${c}`].push(m[key]);
    }
  }
  return history;
}

/** The epoch's metric logs as a flat map, for EarlyStopping / BestCheckpoint. */
export function epochLogs(e: EpochEndEvent): Record<string, number> {
  const logs: Record<string, number> = {};
  for (const key of HISTORY_KEYS) {
    const value = e[key];
    if (value !== undefined) logs[key] = value;
  }
  return logs;
}
