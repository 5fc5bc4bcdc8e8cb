import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { epochBatches, epochOrder, itemSeed, validationBatches } from './batches.js';
import type { CacheEntry } from './cache.js';
import type { WorkerPool } from './pool.js';
import type { LoadItemTask } from './tasks.js';

const SHAPE: [number, number, number] = [2, 3, 4];
const VOXELS = 24;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function entries(n: number): CacheEntry[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `s${i}`,
    file: `s${i}.nii`,
    source: `/data/s${i}.nii`,
    label: i % 2,
    className: i % 2 ? 'CT-23' : 'CT-0',
    shape: SHAPE,
    sourceHash: 'h',
  }));
}

/** In-process stand-in for the worker pool: item i's volume is filled with i, voxel 0 holds the seed. */
function fakePool(delayMs: (task: LoadItemTask) => number) {
  const stats = { inFlight: 0, maxInFlight: 0, started: 0, tasks: [] as LoadItemTask[] };
  const pool: WorkerPool = {
    threads: 2,
    ingestScan: () => Promise.reject(new Error('not used')),
    utilization: () => 0,
    loadItem: async (task) => {
      stats.started++;
      stats.inFlight++;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
      stats.tasks.push(task);
      await sleep(delayMs(task));
      stats.inFlight--;
      const x = new Float32Array(VOXELS).fill(Number(basename(task.file).slice(1, -4)));
      x[0] = task.seed % 65536; // exact in float32
      return x;
    },
    close: async () => undefined,
  };
  return { pool, stats };
}

async function collect(it: AsyncIterable<{ ids: string[]; x: Float32Array; y: Float32Array }>) {
  const out: { ids: string[]; x: number[]; y: number[] }[] = [];
  for await (const b of it) out.push({ ids: b.ids, x: Array.from(b.x), y: Array.from(b.y) });
  return out;
}

describe('epochBatches', () => {
  it('groups items in order into [b,w,h,d,1] batches with labels (last batch partial)', async () => {
    const { pool } = fakePool(() => 1);
    const batches = [];
    for await (const b of validationBatches({ cacheDir: '/c', entries: entries(5), batchSize: 2, pool })) {
      batches.push(b);
    }
    expect(batches.map((b) => b.ids)).toEqual([['s0', 's1'], ['s2', 's3'], ['s4']]);
    expect(batches[0].shape).toEqual([2, 2, 3, 4, 1]);
    expect(batches[2].shape).toEqual([1, 2, 3, 4, 1]);
    expect(Array.from(batches[1].y)).toEqual([0, 1]);
    expect(batches[1].x[VOXELS + 5]).toBe(3); // second item of batch 1 is s3
    expect(batches.every((b) => b.waitMs >= 0 && b.queueDepth >= 0)).toBe(true);
  });

  it('is deterministic regardless of worker timing (shuffle + per-item seeds)', async () => {
    const opts = {
      cacheDir: '/c',
      entries: entries(9),
      batchSize: 4,
      shuffle: true,
      augment: true,
      seed: 42,
    };
    const fast = fakePool(() => 0);
    const jittery = fakePool((t) => (t.seed % 7) * 2);
    const a = await collect(epochBatches({ ...opts, pool: fast.pool }));
    const b = await collect(epochBatches({ ...opts, pool: jittery.pool }));
    expect(a).toEqual(b);
    const ids = a.flatMap((x) => x.ids);
    expect([...ids].sort()).toEqual(
      entries(9)
        .map((e) => e.id)
        .sort(),
    );
    expect(ids).not.toEqual(entries(9).map((e) => e.id)); // shuffled
    // Item seeds come from (seed, epoch, position), and the tasks carry augment=true.
    expect(a[0].x[0]).toBe(itemSeed(42, 0, 0) % 65536);
    expect(fast.stats.tasks.every((t) => t.augment)).toBe(true);
    // Another epoch gives another order; the same epoch repeats it.
    expect(epochOrder(9, true, 42, 1)).not.toEqual(epochOrder(9, true, 42, 0));
    expect(epochOrder(9, true, 42, 1)).toEqual(epochOrder(9, true, 42, 1));
    expect(epochOrder(4, false, 42, 3)).toEqual([0, 1, 2, 3]);
  });

  it('applies backpressure: a slow consumer bounds the volumes in flight and alive', async () => {
    const { pool, stats } = fakePool(() => 1);
    const batchSize = 2;
    const prefetch = 2;
    let consumed = 0;
    let maxAlive = 0;
    let sawFullQueue = false;
    for await (const b of epochBatches({
      cacheDir: '/c',
      entries: entries(24),
      batchSize,
      shuffle: false,
      augment: false,
      seed: 1,
      pool,
      prefetch,
    })) {
      // Volumes loaded or loading that the consumer has not finished with yet.
      maxAlive = Math.max(maxAlive, stats.started - consumed);
      if (b.queueDepth === prefetch) sawFullQueue = true;
      await sleep(15); // slow consumer (e.g. a training step)
      maxAlive = Math.max(maxAlive, stats.started - consumed);
      consumed += b.ids.length;
    }
    expect(consumed).toBe(24);
    expect(maxAlive).toBeLessThanOrEqual((prefetch + 1) * batchSize);
    expect(stats.maxInFlight).toBeLessThanOrEqual((prefetch + 1) * batchSize);
    expect(sawFullQueue).toBe(true); // the producer did run ahead, up to the bound
  });

  it('propagates a load failure to the consumer and stops', async () => {
    const { pool } = fakePool(() => 1);
    const failing: WorkerPool = {
      ...pool,
      loadItem: (t) =>
        t.file.endsWith('s3.nii') ? Promise.reject(new Error('s3.nii: truncated')) : pool.loadItem(t),
    };
    const seen: string[][] = [];
    await expect(async () => {
      for await (const b of validationBatches({
        cacheDir: '/c',
        entries: entries(8),
        batchSize: 2,
        pool: failing,
      })) {
        seen.push(b.ids);
      }
    }).rejects.toThrow('s3.nii: truncated');
    expect(seen).toEqual([['s0', 's1']]);
  });

  it('stops submitting work when the consumer breaks early', async () => {
    const { pool, stats } = fakePool(() => 1);
    for await (const _ of validationBatches({ cacheDir: '/c', entries: entries(40), batchSize: 2, pool })) {
      break;
    }
    await sleep(20);
    expect(stats.started).toBeLessThanOrEqual(6);
  });
});
