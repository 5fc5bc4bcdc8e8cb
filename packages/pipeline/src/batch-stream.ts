// The training input's order and batching, browser-safe: shuffling, class-balanced sampling and per-item
// augmentation seeds are functions of (seed, epoch, position), and items come from any loader (the worker
// pool reading an ingest cache in Node, volumes held in memory in a browser tab): both give the same batches.
import { createRng, mixSeed } from '@ct3d/core';
import { BoundedQueue } from './bounded-queue.js';
import type { Shape3 } from './tasks.js';

/** One training batch: voxels channels-last, labels and the scan ids. */
export interface Batch {
  /** [b, w, h, d, 1], depth fastest. */
  x: Float32Array;
  /** Labels, one per item. */
  y: Float32Array;
  shape: [number, number, number, number, 1];
  ids: string[];
  /** How long the consumer waited for this batch (0-ish when it was prefetched). */
  waitMs: number;
  /** Batches ready (finished) in the queue when this one was taken, this one included. */
  queueDepth: number;
  /** The worker pool's utilization (0..1) when this batch was taken. */
  poolUtilization: number;
}

/** What a batch needs of a scan: its id, label, preprocessed shape and a name for errors (a cache entry's). */
export interface BatchItem {
  id: string;
  label: number;
  shape: Shape3;
  /** Names the scan in errors (the cache file, or the dropped file's path). */
  file: string;
}

/** Reads one item, augmented by the given seed when `augment`, channels-last. */
export type ItemLoader<T extends BatchItem> = (
  item: T,
  augment: boolean,
  seed: number,
) => Promise<Float32Array>;

/** Options of itemBatches. */
export interface ItemBatchesOptions<T extends BatchItem> {
  entries: T[];
  batchSize: number;
  shuffle: boolean;
  augment: boolean;
  seed: number;
  load: ItemLoader<T>;
  /** Batches loading or ready ahead of the consumer; default 2. */
  prefetch?: number;
  /** Epoch number, mixed into the shuffle and augmentation seeds; default 0. */
  epoch?: number;
  /**
   * 'balanced' draws the epoch's entries.length items class by class in turn (each round of classes in a
   * seeded random order), cycling through each class's shuffled scans: every class is drawn equally often
   * (within one), minority scans repeat, majority scans are subsampled. Default: every entry once.
   */
  sampling?: 'balanced';
  /** The loader's utilization (0..1) reported with each batch; default 0. */
  utilization?: () => number;
}

interface PendingBatch {
  promise: Promise<Omit<Batch, 'waitMs' | 'queueDepth' | 'poolUtilization'>>;
  ready: boolean;
}

/** Item order for one epoch: identity, or a seeded Fisher-Yates shuffle of (seed, epoch). */
export function epochOrder(count: number, shuffle: boolean, seed: number, epoch: number): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  return shuffle ? createRng(mixSeed(seed, epoch)).shuffle(order) : order;
}

/**
 * A class-balanced epoch order of `labels.length` indices: classes taken in turn (a seeded permutation of
 * the classes per round), each class cycling through its own seeded shuffle of its items.
 */
export function balancedOrder(labels: readonly number[], seed: number, epoch: number): number[] {
  const rng = createRng(mixSeed(seed, epoch, 0x5a3));
  const classes = [...new Set(labels)].sort((a, b) => a - b);
  const members = classes.map((c) => labels.flatMap((l, i) => (l === c ? [i] : [])));
  const cycles = members.map((m) => rng.shuffle([...m]));
  const next = classes.map(() => 0);
  const order: number[] = [];
  while (order.length < labels.length) {
    for (const c of rng.shuffle(classes.map((_, i) => i))) {
      if (order.length === labels.length) break;
      if (next[c] === cycles[c].length) {
        cycles[c] = rng.shuffle([...members[c]]);
        next[c] = 0;
      }
      order.push(cycles[c][next[c]++]);
    }
  }
  return order;
}

/** The rotation seed of the item at `position` in the epoch: independent of worker scheduling. */
export function itemSeed(seed: number, epoch: number, position: number): number {
  return mixSeed(seed, epoch, position);
}

/**
 * One epoch of batches. The loader reads (and, if `augment`, augments) each item; batches are delivered in
 * order through a queue of `prefetch` slots. A slot is taken before a batch's work is submitted, so a slow
 * consumer stops new work: at most (prefetch + 1) x batchSize volumes are alive at once.
 */
export async function* itemBatches<T extends BatchItem>(opts: ItemBatchesOptions<T>): AsyncGenerator<Batch> {
  const { entries, batchSize } = opts;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new Error(`epochBatches: bad batchSize ${batchSize}`);
  const epoch = opts.epoch ?? 0;
  const order =
    opts.sampling === 'balanced'
      ? balancedOrder(
          entries.map((e) => e.label),
          opts.seed,
          epoch,
        )
      : epochOrder(entries.length, opts.shuffle, opts.seed, epoch);
  const queue = new BoundedQueue<PendingBatch>(opts.prefetch ?? 2);

  const startBatch = (first: number): PendingBatch => {
    const positions = order.slice(first, first + batchSize).map((_, k) => first + k);
    const items = positions.map((p) => entries[order[p]]);
    const loads = items.map((entry, k) =>
      opts.load(entry, opts.augment, itemSeed(opts.seed, epoch, positions[k])),
    );
    const pending: PendingBatch = {
      promise: Promise.all(loads).then((xs) => assembleBatch(items, xs)),
      ready: false,
    };
    pending.promise.then(
      () => {
        pending.ready = true;
      },
      () => {
        pending.ready = true; // handled here so an early failure is not an unhandled rejection; rethrown on take
      },
    );
    return pending;
  };

  const producer = (async () => {
    for (let first = 0; first < order.length; first += batchSize) {
      if (!(await queue.waitForSpace())) return; // consumer stopped
      queue.tryPush(startBatch(first));
    }
    queue.close();
  })();

  try {
    for (;;) {
      const t0 = performance.now();
      const queueDepth = queue.snapshot().filter((p) => p.ready).length;
      const pending = await queue.take();
      if (!pending) break;
      const batch = await pending.promise;
      const poolUtilization = opts.utilization?.() ?? 0;
      yield { ...batch, waitMs: performance.now() - t0, queueDepth, poolUtilization };
    }
  } finally {
    queue.close(); // stops the producer; loads already submitted finish in the background
    await producer;
  }
}

function assembleBatch(
  items: BatchItem[],
  xs: Float32Array[],
): Omit<Batch, 'waitMs' | 'queueDepth' | 'poolUtilization'> {
  const [w, h, d] = items[0].shape;
  const voxels = w * h * d;
  const x = new Float32Array(items.length * voxels);
  const y = new Float32Array(items.length);
  items.forEach((entry, i) => {
    if (xs[i].length !== voxels) {
      throw new Error(
        `${entry.file}: ${xs[i].length} voxels, expected ${w}x${h}x${d} like the rest of the batch`,
      );
    }
    x.set(xs[i], i * voxels);
    y[i] = entry.label;
  });
  return { x, y, shape: [items.length, w, h, d, 1], ids: items.map((e) => e.id) };
}
