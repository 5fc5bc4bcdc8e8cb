import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeStage, parseRecipe } from '@ct3d/augment';
import { createRng, toChannelsLast } from '@ct3d/core';
import { discoverScans, type ScanEntry } from '@ct3d/io/dataset';
import { readNifti } from '@ct3d/io/node';
import { writeSyntheticDataset } from '@ct3d/io/synthetic';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { epochBatches } from './batches.js';
import { loadCache, settingsHash } from './cache.js';
import { ingest } from './ingest.js';
import { parseCacheManifest } from './manifest-schema.js';
import { createWorkerPool, type WorkerPool } from './pool.js';

const SIZE: [number, number, number] = [12, 10, 6];
let root: string;
let scans: ScanEntry[];
let pool: WorkerPool;
// A non-seed recipe: a narrower window to [-1, 1], no quarter turn, the resize.
const recipe = parseRecipe(
  {
    preprocess: [
      { name: 'ScaleIntensityRange', a_min: -900, a_max: 100, b_min: -1, b_max: 1, clip: true },
      { name: 'Resize' },
    ],
    augment: [{ name: 'RandFlip', prob: 1, spatial_axis: [1] }],
  },
  'test-recipe.json',
  { size: SIZE },
);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ct3d-recipe-'));
  await writeSyntheticDataset(join(root, 'data'), { perClass: 1, size: 32, slices: [8, 8], seed: 4 });
  scans = (await discoverScans(join(root, 'data'))).scans;
  pool = createWorkerPool({ workers: 1 });
}, 60_000);

afterAll(async () => {
  await pool?.close();
  await rm(root, { recursive: true, force: true });
});

describe('ingest and load with a recipe', { timeout: 30_000 }, () => {
  it("runs the recipe's preprocessing in the workers and records it (validated) in the manifest", async () => {
    const cacheDir = join(root, 'cache');
    const events = await lastValueFrom(
      ingest({ scans, cacheDir, size: SIZE, pool, preprocess: recipe.preprocess }).pipe(toArray()),
    );
    expect(events.at(-1)).toMatchObject({ type: 'done', ingested: 2 });
    const manifest = await loadCache(cacheDir);
    expect(manifest.recipe).toEqual({ preprocess: recipe.preprocess });
    expect(manifest.settingsHash).toBe(settingsHash(SIZE, recipe.preprocess));
    expect(manifest.settingsHash).not.toBe(settingsHash(SIZE));
    const entry = manifest.entries[0];
    const want = composeStage(recipe, 'preprocess').apply(await readNifti(entry.source));
    expect((await readNifti(join(cacheDir, entry.file))).data).toEqual(want.data);

    // The load workers run the recipe's augmentation (a flip along j here) with the item's seed.
    const batches = epochBatches({
      cacheDir,
      entries: [entry],
      batchSize: 1,
      shuffle: false,
      augment: true,
      transforms: recipe.augment,
      seed: 0,
      pool,
    });
    const first = (await batches.next()).value;
    await batches.return(undefined);
    const flipped = composeStage(recipe, 'augment').apply(want, createRng(0));
    expect(first?.x).toEqual(toChannelsLast(flipped));
    expect(first?.x).not.toEqual(toChannelsLast(want));

    // A hand-edited recipe is refused with a line naming the step and the parameter.
    const json = JSON.parse(await readFile(join(cacheDir, 'manifest.json'), 'utf8'));
    json.recipe.preprocess[0].a_max = 'high';
    expect(() => parseCacheManifest(json, 'manifest.json')).toThrow(
      'manifest.json: recipe preprocess[0] ScaleIntensityRange: a_max must be a finite number, got "high"',
    );
  });
});
