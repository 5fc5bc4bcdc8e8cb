import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, take, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCache } from './cache.js';
import { ingest, type ScanEntry } from './ingest.js';
import type { WorkerPool } from './pool.js';
import type { IngestTask } from './tasks.js';

let root: string;
let scans: ScanEntry[];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ct3d-window-'));
  scans = await Promise.all(
    Array.from({ length: 20 }, async (_, i) => {
      const path = join(root, `s${i}.nii`);
      await writeFile(path, `scan ${i}`);
      return { path, label: i % 2, className: i % 2 ? 'CT-23' : 'CT-0' };
    }),
  );
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** Stand-in pool (no workers, no files written): counts tasks in flight and aborted. */
function countingPool(threads: number) {
  const stats = { inFlight: 0, maxInFlight: 0, aborted: 0, calls: 0 };
  const pool: WorkerPool = {
    threads,
    ingestScan: async (task: IngestTask, signal?: AbortSignal) => {
      stats.calls++;
      stats.inFlight++;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
      signal?.addEventListener('abort', () => stats.aborted++);
      await sleep(3);
      stats.inFlight--;
      const stages = { read: 0, hash: 0, decode: 0, preprocess: 0, write: 0 };
      return {
        kind: 'written',
        // One hash per source: equal hashes would be refused as duplicate scans.
        sourceHash: createHash('sha256').update(task.source).digest('hex'),
        shape: [2, 2, 2],
        sourceShape: [4, 4, 4],
        nonFinite: 0,
        ms: 3,
        stages,
      };
    },
    loadItem: () => Promise.reject(new Error('not used')),
    utilization: () => 0,
    close: async () => undefined,
  };
  return { pool, stats };
}

describe('ingest flow control', () => {
  it('keeps at most 2 x threads scans in flight and keeps the manifest in input order', async () => {
    const { pool, stats } = countingPool(2);
    const cacheDir = join(root, 'cache-window');
    const events = await lastValueFrom(ingest({ scans, cacheDir, size: [2, 2, 2], pool }).pipe(toArray()));
    expect(events.at(-1)).toMatchObject({ type: 'done', ingested: 20, failed: [] });
    expect(stats.maxInFlight).toBeLessThanOrEqual(4);
    expect(stats.maxInFlight).toBeGreaterThanOrEqual(2);
    const manifest = await loadCache(cacheDir);
    expect(manifest.entries.map((e) => e.source)).toEqual(scans.map((s) => s.path));
  });

  it('aborts the tasks in flight when the subscriber unsubscribes', async () => {
    const { pool, stats } = countingPool(1);
    const cacheDir = join(root, 'cache-abort');
    const events = await lastValueFrom(
      ingest({ scans, cacheDir, size: [2, 2, 2], pool }).pipe(take(3), toArray()),
    );
    expect(events.map((e) => e.type)).toEqual(['start', 'scanDone', 'scanDone']);
    expect(stats.calls).toBeLessThan(20);
    expect(stats.aborted).toBeGreaterThanOrEqual(1);
  });

  it('rejects a bad target size with a clear message', async () => {
    const { pool } = countingPool(1);
    const run = ingest({ scans, cacheDir: join(root, 'cache-bad'), size: [0, 2, 2], pool });
    await expect(lastValueFrom(run)).rejects.toThrow(/size must be 3 integers >= 1, got 0x2x2/);
  });
});
