// @ct3d/pipeline: streaming ingest into a preprocessed cache, and the training input pipeline, on a shared
// worker pool.

// Moved to @ct3d/core (the dashboard uses it too); still exported here for pipeline's users.
export {
  type Batch,
  type EpochBatchesOptions,
  epochBatches,
  type PoolCacheLoader,
  poolCacheLoader,
  validationBatches,
} from './batches.js';
export { BoundedQueue } from './bounded-queue.js';
export {
  type CacheEntry,
  type CacheManifest,
  cachedFileProblem,
  loadCache,
  MANIFEST_FILE,
  readCachedVolume,
  resolveCacheFile,
} from './cache.js';
export { type FailedScan, type IngestEvent, type IngestOptions, ingest } from './ingest.js';
export {
  classesWithoutScans,
  INGEST_ERRORS_FILE,
  type IngestProblem,
  type ProblemKind,
  problemLine,
  writeIngestErrors,
} from './ingest-report.js';
export {
  CacheProblemsError,
  MAX_CACHE_VOXELS,
  MAX_CLASSES,
  parseCacheManifest,
  relativeFileProblem,
} from './manifest-schema.js';
export { createWorkerPool, type WorkerPool, type WorkerPoolOptions } from './pool.js';
export { formatDuration, formatProgress, type ProgressState } from './progress.js';
export type { Shape3 } from './tasks.js';
export { verifyCacheEntries } from './verify-cache.js';
