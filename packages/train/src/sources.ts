// fit's batch sources over an ingest cache: batch-sources.ts with every item read (and augmented) from its
// cache file by the worker pool.
import type { TransformEntry } from '@ct3d/augment';
import { type CacheEntry, poolCacheLoader, type WorkerPool } from '@ct3d/pipeline';
import { batchSources, type TrainingSources } from './batch-sources.js';

export { bnStatsSample, DEFAULT_BN_STATS_BATCHES } from './batch-sources.js';

/** Options of cacheBatchSources. */
export interface CacheSourcesOptions {
  cacheDir: string;
  train: CacheEntry[];
  val: CacheEntry[];
  pool: WorkerPool;
  /** Default 2 (the seed). */
  batchSize?: number;
  /** Shuffle and augmentation seed; each epoch mixes in its number. */
  seed: number;
  /** Augment training scans (default true, the seed). */
  augment?: boolean;
  /** The recipe's augmentation steps (default: the seed's random rotation). */
  transforms?: TransformEntry[];
  /** Batches prepared ahead by the workers (default 2, the seed's prefetch(2)). */
  prefetch?: number;
  /** 'balanced': training batches draw every class equally often (see @ct3d/pipeline balancedOrder). */
  sampling?: 'balanced';
  /** Batches in each epoch's BatchNorm-statistics sample (default 16; see `bnStats`). */
  bnStatsBatches?: number;
}

/** fit's batch sources over an ingest cache: training, validation and the precise-BatchNorm sample. */
export type CacheSources = TrainingSources;

/**
 * The seed's data loaders over an ingest cache: training batches shuffled and randomly rotated per epoch,
 * validation batches in order and unaugmented, both prefetched by the worker pool.
 */
export function cacheBatchSources(opts: CacheSourcesOptions): CacheSources {
  const { cacheDir, pool, transforms, ...rest } = opts;
  return batchSources({ ...rest, where: cacheDir, ...poolCacheLoader(pool, cacheDir, transforms) });
}
