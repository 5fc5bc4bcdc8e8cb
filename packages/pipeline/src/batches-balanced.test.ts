import { describe, expect, it } from 'vitest';
import { balancedOrder, epochBatches } from './batches.js';
import type { CacheEntry } from './cache.js';
import type { WorkerPool } from './pool.js';

/** 2 scans of class 0, 9 of class 1, 1 of class 2 (the MosMedData imbalance in small). */
const LABELS = [1, 0, 1, 1, 2, 1, 1, 0, 1, 1, 1, 1];

function countBy(xs: number[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}

describe('balanced sampling', () => {
  it('draws every class equally often (within one) and cycles through each class', () => {
    for (const epoch of [0, 1, 2]) {
      const order = balancedOrder(LABELS, 7, epoch);
      expect(order).toHaveLength(LABELS.length);
      expect(countBy(order.map((i) => LABELS[i]))).toEqual({ 0: 4, 1: 4, 2: 4 });
      // the two class-0 scans each appear twice: a full cycle before any repeats
      expect(countBy(order.filter((i) => LABELS[i] === 0))).toEqual({ 1: 2, 7: 2 });
      // class 1 has 9 scans: 4 distinct ones are drawn
      expect(new Set(order.filter((i) => LABELS[i] === 1)).size).toBe(4);
    }
    expect(balancedOrder(LABELS, 7, 1)).toEqual(balancedOrder(LABELS, 7, 1));
    expect(balancedOrder(LABELS, 7, 1)).not.toEqual(balancedOrder(LABELS, 7, 2));
  });

  it('is an epochBatches option', async () => {
    const entries: CacheEntry[] = LABELS.map((label, i) => ({
      id: `s${i}`,
      file: `s${i}.nii`,
      source: `/data/s${i}.nii`,
      label,
      className: `CT-${label}`,
      shape: [1, 1, 1],
      sourceHash: 'h',
    }));
    const pool: WorkerPool = {
      threads: 1,
      ingestScan: () => Promise.reject(new Error('not used')),
      utilization: () => 0,
      loadItem: async () => new Float32Array(1),
      close: async () => undefined,
    };
    const labels: number[] = [];
    for await (const b of epochBatches({
      cacheDir: '/cache',
      entries,
      batchSize: 4,
      shuffle: true,
      augment: false,
      seed: 3,
      pool,
      sampling: 'balanced',
    })) {
      labels.push(...b.y);
    }
    expect(countBy(labels)).toEqual({ 0: 4, 1: 4, 2: 4 });
  });
});
