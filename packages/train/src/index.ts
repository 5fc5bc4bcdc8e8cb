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
export {
  type ClassSetup,
  type ClassWeightOption,
  classSetup,
} from './class-setup.js';
export type { BatchSource } from './epoch.js';
export {
  type BinaryEvaluation,
  type Evaluation,
  evaluate,
  isMulticlass,
  type MulticlassEvaluation,
} from './evaluate.js';
export { EVENTS_FILE, trimEventLog } from './event-log.js';
export {
  appendHistory,
  type BatchEndEvent,
  type CheckpointEvent,
  type ClassMetricsRow,
  type EarlyStopEvent,
  type EpochEndEvent,
  epochLogs,
  HISTORY_KEYS,
  type History,
  PER_CLASS_HISTORY_KEYS,
  type ResumedFrom,
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
  formatPredictions,
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
  balancedClassWeights,
  categoricalCrossEntropyTensor,
  countCorrect,
  headUnits,
  lossName,
  outputUnits,
  sampleWeights,
} from './multiclass.js';
export {
  argmax,
  type ClassMetrics,
  categoricalCrossEntropy,
  type MulticlassMetrics,
  multiclassMetrics,
  toRows,
} from './multiclass-metrics.js';
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
  type FitResumeOptions,
  loadResumeCheckpoint,
  RESUME_DIR,
  type ResumeCheckpoint,
  type ResumeState,
  restoreTraining,
  saveResumePoint,
} from './resume.js';
export {
  type GivenFlag,
  prepareRunFolder,
  type RecordedRun,
  readRunInfo,
  recordedOptions,
  resumeOptions,
} from './resume-run.js';
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
  manifestHash,
  type ReproducibilityRecord,
  type ResumeRecord,
  RNG_NOTES,
  reproducibilityRecord,
} from './run-record.js';
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
  batchLossTensor,
  binaryCrossEntropyTensor,
  createAdam,
  modelInputShape,
  predictBatch,
  predictProbabilities,
  predictProbability,
  ScheduledAdam,
  type StepOptions,
  type StepResult,
  trainStep,
} from './step.js';
export { type SyntheticBatchesOptions, syntheticBatches } from './synthetic.js';
export { type ValidationFields, validationFields } from './validation-fields.js';
