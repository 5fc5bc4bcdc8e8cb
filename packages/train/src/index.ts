// @ct3d/train: the seed's training recipe (fit loop, metrics, checkpoints, early stopping), its metric
// stream, run-folder files (history.json, metrics.json, curves.png, montage.png) and prediction reports.

export {
  BestCheckpoint,
  type BestCheckpointOptions,
  EarlyStopping,
  type EarlyStoppingOptions,
  type EpochLogs,
  type MonitorMode,
  resolveMode,
} from './callbacks.js';
export type { BatchSource } from './epoch.js';
export { type Evaluation, evaluate } from './evaluate.js';
export {
  appendHistory,
  type BatchEndEvent,
  type CheckpointEvent,
  type EarlyStopEvent,
  type EpochEndEvent,
  epochLogs,
  HISTORY_KEYS,
  type History,
  type RunEndEvent,
  type RunStartEvent,
  type TrainEvent,
} from './events.js';
export { type FitOptions, fit, fitToEnd } from './fit.js';
export {
  type EpochLineInput,
  formatEpochLine,
  formatMetricValue,
  formatPrediction,
  formatStepTime,
} from './format.js';
export {
  type BinaryMetrics,
  binaryCrossEntropy,
  binaryMetrics,
  type Confusion,
  confusionCounts,
  confusionMatrix,
  rocAuc,
} from './metrics.js';
export {
  batchSample,
  type CurvesOptions,
  type MontageOptions,
  type MontageScan,
  renderCurves,
  renderMontage,
  writeCurvesPng,
  writeMontagePng,
} from './png/index.js';
export {
  CURVES_FILE,
  epochSummary,
  HISTORY_FILE,
  METRICS_FILE,
  metricsDocument,
  RunRecorder,
} from './recorder.js';
export {
  type EvaluationSet,
  evaluateRun,
  type LoadedRun,
  loadRun,
  predictScanFile,
  type ScanPrediction,
} from './run-folder.js';
export {
  RUN_FILE,
  type RunInfo,
  recordRun,
  type TrainFromCacheOptions,
  trainFromCache,
} from './run-from-cache.js';
export {
  constantLr,
  type ExponentialDecayOptions,
  exponentialDecay,
  type LrSchedule,
  seedLrSchedule,
} from './schedule.js';
export { type CacheSources, type CacheSourcesOptions, cacheBatchSources } from './sources.js';
export {
  groupByClass,
  kFoldSplits,
  type Labeled,
  type Split,
  type SplitOptions,
  splitEntries,
} from './split.js';
export {
  type BatchLike,
  binaryCrossEntropyTensor,
  createAdam,
  modelInputShape,
  predictBatch,
  predictProbability,
  ScheduledAdam,
  type StepResult,
  trainStep,
} from './step.js';
export { type SyntheticBatchesOptions, syntheticBatches } from './synthetic.js';
