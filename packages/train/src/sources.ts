import type { TransformEntry } from '@ct3d/augment';
import { createRng, mixSeed } from '@ct3d/core';
import { type CacheEntry, epochBatches, validationBatches, type WorkerPool } from '@ct3d/pipeline';
import type { BatchSource } from './epoch.js';

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

/** Default size of the precise-BatchNorm sample: 16 batches (32 scans at the seed's batch 2). */
export const DEFAULT_BN_STATS_BATCHES = 16;

/** fit's batch sources over an ingest cache: training, validation and the precise-BatchNorm sample. */
export interface CacheSources {
  train: BatchSource;
  validation: BatchSource;
  /** The training scans in order and unaugmented (e.g. for precise BatchNorm statistics). */
  trainUnaugmented: BatchSource;
  /**
   * Each epoch's sample for precise BatchNorm statistics: `bnStatsBatches` batches of training scans,
   * unaugmented, drawn without replacement by createRng(mixSeed(seed, epoch, 0xb5)) so that every class is
   * in it whatever the split order, and its cost is bounded at any data set size; deterministic per epoch.
   */
  bnStats: BatchSource;
  stepsPerEpoch: number;
}

/**
 * The seed's data loaders over an ingest cache: training batches shuffled and randomly rotated per epoch,
 * validation batches in order and unaugmented, both prefetched by the worker pool.
 */
export function cacheBatchSources(opts: CacheSourcesOptions): CacheSources {
  const batchSize = opts.batchSize ?? 2;
  const bnBatches = opts.bnStatsBatches ?? DEFAULT_BN_STATS_BATCHES;
  if (!Number.isInteger(bnBatches) || bnBatches < 1) {
    throw new RangeError(`bnStatsBatches must be a positive integer, got ${bnBatches}`);
  }
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
        ...(opts.transforms && { transforms: opts.transforms }),
        seed: opts.seed,
        pool: opts.pool,
        prefetch: opts.prefetch,
        epoch,
        sampling: opts.sampling,
      }),
    validation: () => inOrder(opts.val),
    trainUnaugmented: () => inOrder(opts.train),
    bnStats: (epoch) => inOrder(bnStatsSample(opts.train, opts.seed, epoch, batchSize * bnBatches)),
    stepsPerEpoch: Math.ceil(opts.train.length / batchSize),
  };
}

/** `count` training entries (all when fewer) drawn without replacement for epoch `epoch`'s BatchNorm pass. */
export function bnStatsSample(
  entries: CacheEntry[],
  seed: number,
  epoch: number,
  count: number,
): CacheEntry[] {
  return createRng(mixSeed(seed, epoch, 0xb5))
    .shuffle([...entries])
    .slice(0, Math.min(count, entries.length));
}
