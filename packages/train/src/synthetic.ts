import { createRng } from '@ct3d/core';
import type { BatchSource } from './epoch.js';
import type { BatchLike } from './step.js';

export interface SyntheticBatchesOptions {
  /** Samples (half class 0, half class 1). */
  count: number;
  /** Cube side of each volume (default 8). */
  size?: number;
  batchSize?: number;
  seed?: number;
  /** Reshuffle every epoch (default true). */
  shuffle?: boolean;
}

/**
 * An easily separable in-memory dataset for smoke tests and demos: class-1 volumes are brighter
 * (mean 0.6 vs 0.3) with uniform noise; values stay in [0, 1] like normalized CT.
 */
export function syntheticBatches(opts: SyntheticBatchesOptions): BatchSource {
  const size = opts.size ?? 8;
  const batchSize = opts.batchSize ?? 2;
  const seed = opts.seed ?? 0;
  const voxels = size ** 3;
  const rng = createRng(seed);
  const samples = Array.from({ length: opts.count }, (_, i) => {
    const label = i % 2;
    const x = new Float32Array(voxels);
    for (let v = 0; v < voxels; v++) x[v] = (label ? 0.6 : 0.3) + (rng.next() - 0.5) * 0.4;
    return { x, label, id: `synthetic-${i}` };
  });
  return function* (epoch: number): Generator<BatchLike> {
    const order = samples.map((_, i) => i);
    if (opts.shuffle !== false) createRng(seed * 1000 + epoch).shuffle(order);
    for (let first = 0; first < order.length; first += batchSize) {
      const items = order.slice(first, first + batchSize).map((i) => samples[i]);
      const x = new Float32Array(items.length * voxels);
      items.forEach((s, k) => {
        x.set(s.x, k * voxels);
      });
      yield {
        x,
        y: Float32Array.from(items, (s) => s.label),
        shape: [items.length, size, size, size, 1],
        ids: items.map((s) => s.id),
        queueDepth: 0,
      };
    }
  };
}
