export {
  type Batch,
  balancedOrder,
  type EpochBatchesOptions,
  epochBatches,
  epochOrder,
  itemSeed,
  validationBatches,
} from './batches.js';
export { BoundedQueue } from './bounded-queue.js';
export {
  type CacheEntry,
  type CacheManifest,
  loadCache,
  MANIFEST_FILE,
  PREPROCESS_VERSION,
  readCachedVolume,
  scanId,
  settingsHash,
} from './cache.js';
export { type FailedScan, type IngestEvent, type IngestOptions, ingest, type ScanEntry } from './ingest.js';
export { toChannelsLast } from './layout.js';
export { createWorkerPool, type WorkerPool, type WorkerPoolOptions, workerExecArgv } from './pool.js';
export { formatDuration, formatProgress, type ProgressState } from './progress.js';
export { describeError, type ProcessedScan, processBytes, type ScanSettings } from './scan-work.js';
export type { IngestResult, IngestTask, LoadItemTask, Shape3, StageTimes } from './tasks.js';
