import { describe, expect, it } from 'vitest';
import { createWorkerPool } from './pool.js';

const standIn = new URL('./test-support/stand-in-worker.ts', import.meta.url);

describe('createWorkerPool', () => {
  it('runs TypeScript workers through tsx and transfers result buffers', async () => {
    const pool = createWorkerPool({ workers: 1, filename: standIn });
    try {
      expect(pool.threads).toBe(1);
      const first = await pool.loadItem({ file: 'a', augment: false, seed: 7 });
      expect(first[0]).toBe(7);
      expect(first[1]).toBeGreaterThan(0); // ran on a worker thread, not the main one
      const second = await pool.loadItem({ file: 'b', augment: false, seed: 8 });
      // The worker's reference to the first result is detached: the buffer was moved, not copied.
      expect(second[2]).toBe(0);
      const r = await pool.ingestScan({ source: 'x.nii', cacheFile: '/tmp/none', size: [2, 2, 2] });
      expect(r).toMatchObject({ kind: 'failed' });
    } finally {
      await pool.close();
    }
  });

  it('rejects a bad worker count', () => {
    expect(() => createWorkerPool({ workers: 0 })).toThrow(/workers must be an integer >= 1/);
  });
});
