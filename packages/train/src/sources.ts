import { type CacheEntry, epochBatches, validationBatches, type WorkerPool } from '@ct3d/pipeline';
import type { BatchSource } from './epoch.js';

export interface CacheSourcesOptions {
  cacheDir: string;
  train: CacheEntry[];
  val: CacheEntry[];
  pool: WorkerPool;
  /** Default 2 (the seed). */
  batchSize?: number;
  /** Shuffle and augmentation seed; each epoch mixes in its number. */
  seed: number;
  /** Random rotation of training scans (default true, the seed). */
  augment?: boolean;
  /** Batches prepared ahead by the workers (default 2, the seed's prefetch(2)). */
  prefetch?: number;
  /** 'balanced': training batches draw every class equally often (see @ct3d/pipeline balancedOrder). */
  sampling?: 'balanced';
}

export interface CacheSources {
  train: BatchSource;
  validation: BatchSource;
  /** The training scans in order and unaugmented (e.g. for precise BatchNorm statistics). */
  trainUnaugmented: BatchSource;
  stepsPerEpoch: number;
}

/**
 * The seed's data loaders over an ingest cache: training batches shuffled and randomly rotated per epoch,
 * validation batches in order and unaugmented, both prefetched by the worker pool.
 */
export function cacheBatchSources(opts: CacheSourcesOptions): CacheSources {
  const batchSize = opts.batchSize ?? 2;
  if (opts.train.length === 0) throw new Error(`${opts.cacheDir}: no training scans in the split`);
  const inOrder = (entries: CacheEntry[]) =>
    validationBatches({
      cacheDir: opts.cacheDir,
      entries,
      batchSize,
      pool: opts.pool,
      prefetch: opts.prefetch,
    });
  return {
    train: (epoch) =>
      epochBatches({
        cacheDir: opts.cacheDir,
        entries: opts.train,
        batchSize,
        shuffle: true,
        augment: opts.augment ?? true,
        seed: opts.seed,
        pool: opts.pool,
        prefetch: opts.prefetch,
        epoch,
        sampling: opts.sampling,
      }),
    validation: () => inOrder(opts.val),
    trainUnaugmented: () => inOrder(opts.train),
    stepsPerEpoch: Math.ceil(opts.train.length / batchSize),
  };
}
