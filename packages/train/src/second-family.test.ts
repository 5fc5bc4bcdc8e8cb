// The training defaults (precise BatchNorm statistics, seeded dropout 0.3, Adam 1e-4, batch 2) on data they
// were not tuned on: the second synthetic family ('broad-dense': other body shapes, smaller denser lesions).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoverScans } from '@ct3d/io/dataset';
import { writeSyntheticDataset } from '@ct3d/io/synthetic';
import { createWorkerPool, ingest } from '@ct3d/pipeline';
import { lastValueFrom } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { readRunInfo } from './run-folder/run-info.js';
import { trainFromCache } from './run-from-cache.js';

const dir = await mkdtemp(join(tmpdir(), 'ct3d-second-family-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the defaults on the second synthetic family', () => {
  it('separate normal from abnormal scans in a short run (val_auc well above chance)', async () => {
    const data = join(dir, 'data');
    await writeSyntheticDataset(data, {
      perClass: 10,
      size: 96,
      slices: [20, 24],
      seed: 3,
      family: 'broad-dense',
    });
    const { scans } = await discoverScans(data);
    const cacheDir = join(dir, 'cache');
    const pool = createWorkerPool({ workers: 1 });
    try {
      await lastValueFrom(ingest({ scans, cacheDir, size: [32, 32, 24], pool }));
    } finally {
      await pool.close();
    }
    const training = trainFromCache({
      cacheDir,
      runDir: join(dir, 'run'),
      epochs: 3,
      backend: 'cpu',
      seed: 1,
      workers: 1,
      // Two small blocks for a 32x32x24 input, and a rate for 3 epochs of 7 steps; everything else default.
      filters: [8, 16],
      learningRate: 1e-3,
    });
    const end = await training.start();
    expect(end?.epochsRun).toBe(3);
    // 3 + 3 validation scans: an AUC of 0.85 or more leaves at most one of the 9 pairs misordered.
    expect(end?.best?.val_auc).toBeGreaterThanOrEqual(0.85);
    expect(end?.best?.val_one_class).toBeUndefined();
    // run.json records what the training scans looked like (the page compares a new scan with it).
    const info = await readRunInfo(join(dir, 'run'));
    expect(info.trainingSet?.scans).toBe(info.split.train.length);
    expect(info.trainingSet?.sourceShape).toEqual({ min: [96, 96, 20], max: [96, 96, 24] });
    const { huMean, huStd } = info.trainingSet ?? {};
    expect(huMean && huMean.min <= huMean.q50 && huMean.q50 <= huMean.max && huMean.min > -1000).toBe(true);
    expect(huStd && huStd.min > 0).toBe(true);
  }, 300_000); // ~25 s alone; the whole test line runs packages in parallel on 2 cores
});
