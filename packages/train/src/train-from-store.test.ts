// The browser-safe run (trainFromStore: what the training page's worker runs) against `ct3d train`'s
// trainFromCache: the same source files, preprocessed in memory as ingest does, the same seed, recipe and
// backend give the same weights bit for bit. Real files: a synthetic data set, ingested by the real pool.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { seedRecipe } from '@ct3d/augment';
import { discoverScans, type ScanEntry } from '@ct3d/io/dataset';
import { writeSyntheticDataset } from '@ct3d/io/synthetic';
import { buildSeedModel, initBackend } from '@ct3d/model';
import { createWorkerPool, ingest, loadCache } from '@ct3d/pipeline';
import { cachedVolume, processBytes } from '@ct3d/pipeline/browser';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitToEnd } from './fit-loop.js';
import type { RunInfo } from './run-folder/run-info.js';
import { trainFromCache } from './run-from-cache.js';
import { type StoredCheckpoint, type StoredScan, trainFromStore } from './train-from-store.js';
import { MemoryVolumeStore } from './volume-store.js';

const SIZE: [number, number, number] = [16, 16, 8];
const dir = await mkdtemp(join(tmpdir(), 'ct3d-train-from-store-'));
const data = join(dir, 'data');
const cacheDir = join(dir, 'cache');
let scans: ScanEntry[] = [];
afterAll(async () => {
  await initBackend('cpu');
  await rm(dir, { recursive: true, force: true });
});

beforeAll(async () => {
  await writeSyntheticDataset(data, { perClass: 3, size: 24, slices: [10, 12], seed: 1 });
  scans = (await discoverScans(data)).scans;
  const pool = createWorkerPool({ workers: 1 });
  try {
    await lastValueFrom(ingest({ scans, cacheDir, size: SIZE, pool }));
  } finally {
    await pool.close();
  }
}, 60_000);

const run = { epochs: 2, filters: [2], valFraction: 1 / 3, seed: 4, learningRate: 1e-2 };

/** The scans as the page stores them: each source file preprocessed by ingest's code, as its cache file reads. */
async function stored(store: MemoryVolumeStore): Promise<StoredScan[]> {
  return Promise.all(
    scans.map(async (scan) => {
      const name = relative(data, scan.path);
      const { volume } = processBytes(await readFile(scan.path), { size: SIZE, name });
      await store.put(name, cachedVolume(volume, name).volume);
      return { id: name, source: name, label: scan.label, shape: volume.shape };
    }),
  );
}

describe('trainFromStore', () => {
  it('trains the weights `ct3d train` trains on the same files, seed and recipe (wasm), bit for bit', async () => {
    const runDir = join(dir, 'run');
    await trainFromCache({ ...run, cacheDir, runDir, backend: 'wasm', workers: 1 }).start();
    const cliWeights = new Uint8Array(await readFile(join(runDir, 'model', 'weights.bin')));
    const cliBest = new Uint8Array(await readFile(join(runDir, 'best', 'weights.bin')));

    const backend = await initBackend('wasm');
    const classNames = ['CT-0', 'CT-23'];
    const store = new MemoryVolumeStore();
    const memory = trainFromStore({
      ...run,
      backend: 'wasm',
      where: data,
      scans: await stored(store),
      store,
      classNames,
      recipe: seedRecipe(SIZE),
      backendInUse: backend,
    });
    const end = await fitToEnd(memory.events$);
    expect(end.epochsRun).toBe(2);
    // The same split: run.json's ids are cache ids, the tab's are the files' paths in the dropped folder.
    const info = JSON.parse(await readFile(join(runDir, 'run.json'), 'utf8')) as RunInfo;
    const manifest = await loadCache(cacheDir);
    const sourceOf = (id: string) => relative(data, manifest.entries.find((e) => e.id === id)?.source ?? '');
    expect(memory.split.train.map((e) => e.id)).toEqual(info.split.train.map(sourceOf));
    expect(memory.split.val.map((e) => e.id)).toEqual(info.split.val.map(sourceOf));
    expect(memory.split.val).toHaveLength(2);
    expect(memory.saved.model?.weights).toEqual(cliWeights);
    expect(memory.saved.best?.weights).toEqual(cliBest);
    // Training moved the weights: the equality above is not two untrained models.
    const untrained = buildSeedModel({ width: 16, height: 16, depth: 8, filters: [2], seed: 4 });
    const initial = untrained.getWeights().map((w) => Array.from(w.dataSync()));
    const trained = memory.model.getWeights().map((w) => Array.from(w.dataSync()));
    expect(trained).not.toEqual(initial);
    untrained.dispose();
  }, 120_000);

  // Epoch 2 of 2: every epoch kept, the run killed before it ended (a tab reloaded at that moment).
  it.each([1, 2])(
    "stopped after epoch %i and resumed from its checkpoint, trains the uninterrupted run's weights bit for bit",
    async (stopAt) => {
      const backend = await initBackend('wasm');
      const store = new MemoryVolumeStore();
      const options = {
        ...run,
        backend: 'wasm' as const,
        where: data,
        scans: await stored(store),
        store,
        classNames: ['CT-0', 'CT-23'],
        recipe: seedRecipe(SIZE),
        backendInUse: backend,
      };
      const whole = trainFromStore(options);
      await fitToEnd(whole.events$);
      whole.model.dispose();

      // The first run stops as soon as epoch stopAt's checkpoint is handed over (as the page's Stop would).
      let kept: StoredCheckpoint | null = null;
      const first = trainFromStore({
        ...options,
        resume: {
          save: async (c) => {
            kept = { ...c, where: `memory/epoch-${c.state.epoch}` };
            if (c.state.epoch === stopAt) stop();
          },
        },
      });
      let stop: () => void = () => undefined;
      await new Promise<void>((resolve, reject) => {
        const sub = first.events$.subscribe({ error: reject, complete: resolve });
        stop = () => {
          sub.unsubscribe();
          resolve();
        };
      });
      const checkpoint = kept as StoredCheckpoint | null;
      expect(checkpoint?.state.epoch).toBe(stopAt);
      expect(first.saved.model).toBeUndefined();
      await first.loopEnded(); // the stopped loop has let go of the model
      first.model.dispose();

      const resumed = trainFromStore({ ...options, resume: { from: checkpoint } });
      const events = await lastValueFrom(resumed.events$.pipe(toArray()));
      expect(events.flatMap((e) => (e.type === 'epochEnd' ? [e.epoch] : []))).toEqual(
        stopAt === 1 ? [2] : [],
      );
      const start = events.find((e) => e.type === 'runStart');
      expect(start?.type === 'runStart' && start.resumed?.epoch).toBe(stopAt);
      const end = events.at(-1);
      if (end?.type !== 'runEnd') throw new Error(`the resumed run ended with ${end?.type}`);
      expect(end.epochsRun).toBe(2);
      expect(end.history.loss).toHaveLength(2);
      expect(resumed.saved.model?.weights).toEqual(whole.saved.model?.weights);
      expect(resumed.saved.best?.weights).toEqual(whole.saved.best?.weights);
      resumed.model.dispose();
    },
    120_000,
  );
});
