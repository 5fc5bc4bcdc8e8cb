// @ct3d/train: the seed's training recipe as an RxJS event stream, the run folder it writes, evaluation and
// prediction. Everything else in src/ is internal.

// The loop itself: fit a tfjs model on batch sources, with the seed's callbacks and schedule.
export {
  BestCheckpoint,
  type BestCheckpointOptions,
  EarlyStopping,
  type EarlyStoppingOptions,
} from './callbacks.js';
// A whole run from an ingest cache (what `ct3d train` does), its run folder, and resuming it.
export type { ClassWeightOption } from './class-setup.js';
export type { BatchSource } from './epoch.js';
// Metrics, evaluation and prediction.
export {
  type BinaryEvaluation,
  type Evaluation,
  evaluate,
  isMulticlass,
  type MulticlassEvaluation,
} from './evaluate.js';
// The event stream and the files subscribers write from it.
export type {
  BatchEndEvent,
  CheckpointEvent,
  EarlyStopEvent,
  EpochEndEvent,
  History,
  RunEndEvent,
  RunStartEvent,
  TrainEvent,
} from './events.js';
export { type FitOptions, fit, fitToEnd } from './fit.js';
export { formatEpochLine, formatPrediction, formatPredictions, predictionClassNames } from './format.js';
export { type BinaryMetrics, binaryMetrics, rocAuc } from './metrics.js';
export { type MulticlassMetrics, multiclassMetrics } from './multiclass-metrics.js';
export {
  brierScore,
  type OperatingPoint,
  type OperatingPoints,
  operatingPoints,
  type ReliabilityBin,
  reliabilityTable,
  sensitivityAtSpecificity,
  youdenThreshold,
} from './operating-points.js';
export { type FitResumeOptions, loadResumeCheckpoint } from './resume.js';
export { explainScanFile, type ScanExplanation, writeExplanation } from './run-folder/explain-scan.js';
export {
  type FoldResult,
  type FoldSummary,
  foldStatistics,
  formatFoldSummary,
  meanStd,
  summarizeFolds,
} from './run-folder/folds.js';
export {
  FOLD_DIR_PATTERN,
  FOLD_FILES,
  foldDirName,
  MODEL_DIRS,
  RUN_FILES,
  type RunPaths,
  runPaths,
} from './run-folder/layout.js';
export {
  type EvaluationSet,
  evaluateRun,
  type LoadedRun,
  loadRun,
  predictScanFile,
  runPreprocessing,
  type ScanPrediction,
} from './run-folder/load-run.js';
export { type RunOperatingPoint, runYoudenThreshold } from './run-folder/operating-point.js';
export { RunRecorder } from './run-folder/recorder.js';
export { type GivenFlag, resumeOptions } from './run-folder/resume-run.js';
export { type RunInfo, readRunInfo } from './run-folder/run-info.js';
export type { TrainingSetRecord } from './run-folder/training-set.js';
export {
  type BnStats,
  type TrainFromCacheOptions,
  type TrainingRun,
  trainFromCache,
} from './run-from-cache.js';
export { constantLr, exponentialDecay, type LrSchedule, seedLrSchedule } from './schedule.js';
export { type CacheSources, type CacheSourcesOptions, cacheBatchSources } from './sources.js';
export { kFoldSplits, type Split, type SplitOptions, splitEntries } from './split.js';
export type { BatchLike } from './step.js';
export { predictProbabilities, predictProbability } from './step.js';
