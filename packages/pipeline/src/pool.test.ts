import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe('a pool whose threads cannot start', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ct3d-pool-start-'));
    await writeFile(join(dir, 'throws.mjs'), "throw new Error('broken at start-up');\n");
    await writeFile(join(dir, 'exits.mjs'), 'process.exit(3);\n');
    // Loads for ever: Piscina alone would hand it tasks and wait on them for ever.
    await writeFile(join(dir, 'never-loads.mjs'), 'await new Promise(() => {});\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  // A module that fails is reported as it fails, long before the deadline; one that never loads, at it.
  it.each([
    ['throws.mjs', 20_000, /^file:.*throws\.mjs: the worker module failed to load: broken at start-up$/],
    ['exits.mjs', 20_000, /^worker exited with code: 3$/],
    [
      'never-loads.mjs',
      3000,
      /^worker pool: 2 of 2 threads did not start within 3 s \(file:.*never-loads\.mjs\)$/,
    ],
  ])('%s: its tasks reject with one line, and the pool closes', async (file, startTimeoutMs, message) => {
    const pool = createWorkerPool({ workers: 2, filename: join(dir, file), startTimeoutMs });
    try {
      const task = { file: 'a', augment: false, seed: 1 };
      await expect(pool.loadItem(task)).rejects.toThrow(message);
      if (file === 'never-loads.mjs') await expect(pool.loadItem(task)).rejects.toThrow(message);
    } finally {
      await pool.close();
    }
  });
});
