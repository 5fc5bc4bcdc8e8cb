/**
 * @ct3d/train in a browser: the seed's training run over preprocessed volumes in a VolumeStore (the same split,
 * batches, model and loop as `ct3d train`), its events and the printed sentences. Nothing here reads files.
 *
 * @module @ct3d/train/browser
 */
export { type ClassSetup, classSetup } from './class-setup.js';
export type { EpochEndEvent, History, RunEndEvent, RunStartEvent, TrainEvent } from './events.js';
export { type FitOptions, type FitPersistence, fitToEnd, fitWith } from './fit-loop.js';
export { formatEpochLine, formatPrediction, formatPredictions } from './format.js';
export { checkResumeState } from './resume-point.js';
export type { ResumeState } from './resume-state.js';
export { type MemoryRunFacts, memoryRunFiles, memoryRunInfo } from './run-folder/memory-files.js';
export { fromJson, toJson } from './run-folder/resume-codec.js';
export { RUN_FILES } from './run-folder/run-files.js';
export { RunSummary } from './run-folder/run-summary.js';
export {
  runSplit,
  type SeedRunOptions,
  type SeedRunSettings,
  seedRunSettings,
  seedTraining,
} from './seed-run.js';
export { type Split, splitEntries } from './split.js';
export { predictProbabilities, predictProbability } from './step.js';
export {
  type MemoryRun,
  type ModelBytes,
  type StoredCheckpoint,
  type StoredScan,
  type StoreResumeOptions,
  type TrainFromStoreOptions,
  trainFromStore,
} from './train-from-store.js';
export { MemoryVolumeStore, type VolumeStore } from './volume-store.js';
