import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoverScans } from '@ct3d/io/dataset';
import { writeSyntheticDataset } from '@ct3d/io/synthetic';
import { buildSeedModel, initBackend } from '@ct3d/model';
import { createWorkerPool, ingest, loadCache } from '@ct3d/pipeline';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { fit } from './fit.js';
import { cacheBatchSources } from './sources.js';
import { splitEntries } from './split.js';

const dir = await mkdtemp(join(tmpdir(), 'ct3d-train-sources-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('cacheBatchSources', () => {
  it('trains from an ingest cache through the worker pool', async () => {
    await initBackend('cpu');
    const data = join(dir, 'data');
    await writeSyntheticDataset(data, { perClass: 3, size: 24, slices: [10, 12], seed: 1 });
    const { scans } = await discoverScans(data);
    const cacheDir = join(dir, 'cache');
    const pool = createWorkerPool({ workers: 1 });
    try {
      await lastValueFrom(ingest({ scans, cacheDir, size: [8, 8, 8], pool }));
      const manifest = await loadCache(cacheDir);
      const split = splitEntries(manifest.entries, { valFraction: 1 / 3 });
      expect([split.train.length, split.val.length]).toEqual([4, 2]);
      const sources = cacheBatchSources({ cacheDir, ...split, pool, seed: 7 });
      expect(sources.stepsPerEpoch).toBe(2);
      const model = buildSeedModel({ width: 8, height: 8, depth: 8, filters: [4], denseUnits: 8, seed: 1 });
      const events = await lastValueFrom(fit({ model, ...sources, epochs: 2 }).pipe(toArray()));
      const epochs = events.filter((e) => e.type === 'epochEnd');
      expect(epochs).toHaveLength(2);
      expect(epochs[0]).toMatchObject({ steps: 2 });
      expect(epochs[0].type === 'epochEnd' && epochs[0].confusion).toBeTruthy();
      const batch = events.find((e) => e.type === 'batchEnd');
      expect(batch?.type === 'batchEnd' && batch.waitMs).toBeGreaterThanOrEqual(0);
      model.dispose();
    } finally {
      await pool.close();
    }
  }, 60_000);
});
