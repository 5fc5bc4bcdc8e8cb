// The training input over an ingest cache: batch-stream.ts's batches with items read (and augmented) by the
// worker pool from the cache files.
import { resolve } from 'node:path';
import type { TransformEntry } from '@ct3d/augment';
import { type Batch, type ItemLoader, itemBatches } from './batch-stream.js';
import type { CacheEntry } from './cache.js';
import type { WorkerPool } from './pool.js';

export { type Batch, balancedOrder, epochOrder, itemSeed } from './batch-stream.js';

/** Options of epochBatches and validationBatches. */
export interface EpochBatchesOptions {
  cacheDir: string;
  entries: CacheEntry[];
  batchSize: number;
  shuffle: boolean;
  augment: boolean;
  /** The recipe's augmentation steps (default: the seed's rotation). */
  transforms?: TransformEntry[];
  seed: number;
  pool: WorkerPool;
  /** Batches loading or ready ahead of the consumer; default 2. */
  prefetch?: number;
  /** Epoch number, mixed into the shuffle and augmentation seeds; default 0. */
  epoch?: number;
  /** 'balanced': every class drawn equally often (see batch-stream.ts ItemBatchesOptions.sampling). */
  sampling?: 'balanced';
}

/** What poolCacheLoader gives a batch stream. */
export interface PoolCacheLoader {
  /** Reads (and, if asked, augments) one cache entry in a pool worker. */
  load: ItemLoader<CacheEntry>;
  /** The pool's utilization (0..1). */
  utilization: () => number;
}

/**
 * The worker pool as a batch loader of a cache's entries: each entry's file read (and, if `augment`,
 * augmented with `transforms`) by a pool worker, and the pool's utilization reported with each batch.
 */
export function poolCacheLoader(
  pool: WorkerPool,
  cacheDir: string,
  transforms?: TransformEntry[],
): PoolCacheLoader {
  return {
    load: (entry, augment, seed) =>
      pool.loadItem({
        file: resolve(cacheDir, entry.file),
        augment,
        ...(transforms && { transforms }),
        seed,
      }),
    utilization: () => pool.utilization(),
  };
}

/** One epoch of batches, each cached volume read (and, if `augment`, augmented) by a pool worker. */
export function epochBatches(opts: EpochBatchesOptions): AsyncGenerator<Batch> {
  const { cacheDir, pool, transforms, ...rest } = opts;
  return itemBatches({ ...rest, ...poolCacheLoader(pool, cacheDir, transforms) });
}

/** Validation/evaluation batches: entries in order, no augmentation. */
export function validationBatches(
  opts: Omit<EpochBatchesOptions, 'shuffle' | 'augment' | 'seed' | 'epoch'>,
): AsyncGenerator<Batch> {
  return epochBatches({ ...opts, shuffle: false, augment: false, seed: 0 });
}
