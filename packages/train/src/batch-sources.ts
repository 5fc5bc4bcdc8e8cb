// fit's batch sources over any store of preprocessed scans, browser-safe: the seed's loaders (shuffled,
// augmented training batches; validation in order; a precise-BatchNorm sample), with each item read by the
// given loader: the worker pool over an ingest cache (sources.ts), or volumes a browser tab holds.
import { createRng, mixSeed } from '@ct3d/core';
import { type BatchItem, type ItemLoader, itemBatches } from '@ct3d/pipeline/browser';
import type { BatchSource } from './epoch.js';

/** Options of batchSources. */
export interface BatchSourcesOptions<T extends BatchItem> {
  /** Names the data set in errors (the cache folder, the dropped folder). */
  where: string;
  train: T[];
  val: T[];
  /** Reads one item, augmented when asked (with the recipe's augmentation steps). */
  load: ItemLoader<T>;
  /** Default 2 (the seed). */
  batchSize?: number;
  /** Shuffle and augmentation seed; each epoch mixes in its number. */
  seed: number;
  /** Augment training scans (default true, the seed). */
  augment?: boolean;
  /** Batches prepared ahead (default 2, the seed's prefetch(2)). */
  prefetch?: number;
  /** 'balanced': training batches draw every class equally often (see @ct3d/pipeline balancedOrder). */
  sampling?: 'balanced';
  /** Batches in each epoch's BatchNorm-statistics sample (default 16; see `bnStats`). */
  bnStatsBatches?: number;
  /** The loader's utilization (0..1), reported with each batch. */
  utilization?: () => number;
}

/** Default size of the precise-BatchNorm sample: 16 batches (32 scans at the seed's batch 2). */
export const DEFAULT_BN_STATS_BATCHES = 16;

/** fit's batch sources: training, validation and the precise-BatchNorm sample. */
export interface TrainingSources {
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

/** The seed's data loaders: training batches shuffled and augmented per epoch, validation in order. */
export function batchSources<T extends BatchItem>(opts: BatchSourcesOptions<T>): TrainingSources {
  const batchSize = opts.batchSize ?? 2;
  const bnBatches = opts.bnStatsBatches ?? DEFAULT_BN_STATS_BATCHES;
  if (!Number.isInteger(bnBatches) || bnBatches < 1) {
    throw new RangeError(`bnStatsBatches must be a positive integer, got ${bnBatches}`);
  }
  if (opts.train.length === 0) throw new Error(`${opts.where}: no training scans in the split`);
  const common = { batchSize, load: opts.load, prefetch: opts.prefetch, utilization: opts.utilization };
  const inOrder = (entries: T[]) =>
    itemBatches({ ...common, entries, shuffle: false, augment: false, seed: 0 });
  return {
    train: (epoch) =>
      itemBatches({
        ...common,
        entries: opts.train,
        shuffle: true,
        augment: opts.augment ?? true,
        seed: opts.seed,
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
export function bnStatsSample<T>(entries: T[], seed: number, epoch: number, count: number): T[] {
  return createRng(mixSeed(seed, epoch, 0xb5))
    .shuffle([...entries])
    .slice(0, Math.min(count, entries.length));
}
