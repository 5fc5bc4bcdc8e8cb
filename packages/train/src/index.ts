/**
 * The seed's training recipe as an RxJS event stream: train from an ingest cache (`trainFromCache`) or fit
 * any model on batch sources (`fit`), record the run folder, then load a run to predict, evaluate and explain.
 * Pure metrics live in `@ct3d/train/metrics`, the run folder's file names in `@ct3d/train/run-folder` and the
 * printed sentences in `@ct3d/train/format` (none of those three loads tfjs).
 *
 * @module @ct3d/train
 */

// The loop itself: fit a tfjs model on batch sources, with the seed's callbacks and schedule.
export type { BestCheckpointOptions, EarlyStoppingOptions, MonitorMode } from './callbacks.js';
// A whole run from an ingest cache (what `ct3d train` does), and resuming it.
export type { ClassSetup, ClassWeightOption } from './class-setup.js';
export type { BatchSource } from './epoch.js';
// Evaluation and prediction.
export {
  type BinaryEvaluation,
  type Evaluation,
  evaluate,
  isMulticlass,
  type MulticlassEvaluation,
} from './evaluate.js';
// The event stream and the recorder that writes the run folder from it.
export type {
  BatchEndEvent,
  CheckpointEvent,
  ClassMetricsRow,
  EarlyStopEvent,
  EpochEndEvent,
  History,
  ResumedFrom,
  RunEndEvent,
  RunStartEvent,
  TrainEvent,
} from './events.js';
export { type FitOptions, fit, fitToEnd } from './fit.js';
export { formatEpochLine, formatPrediction, formatPredictions, predictionClassNames } from './format.js';
export { type OperatingPoints, operatingPoints } from './operating-points.js';
export type { CurvesOptions } from './png/curves.js';
export { type FitResumeOptions, loadResumeCheckpoint, type ResumeCheckpoint } from './resume.js';
export { explainScanFile, type ScanExplanation, writeExplanation } from './run-folder/explain-scan.js';
export { type FoldResult, type FoldSummary, formatFoldSummary, summarizeFolds } from './run-folder/folds.js';
export { FOLD_FILES, foldDirName } from './run-folder/layout.js';
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
export type { ReproducibilityRecord, ResumeRecord } from './run-record.js';
export { type ExponentialDecayOptions, exponentialDecay, type LrSchedule } from './schedule.js';
export { type CacheSources, type CacheSourcesOptions, cacheBatchSources } from './sources.js';
export { kFoldSplits, type Labeled, type Split, type SplitOptions, splitEntries } from './split.js';
export { type BatchLike, predictProbabilities, predictProbability } from './step.js';
