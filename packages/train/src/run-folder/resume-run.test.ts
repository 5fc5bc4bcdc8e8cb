import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoverScans } from '@ct3d/io/dataset';
import { writeSyntheticDataset } from '@ct3d/io/synthetic';
import { createWorkerPool, ingest } from '@ct3d/pipeline';
import { lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainEvent } from '../events.js';
import { RESUME_DIR } from '../resume.js';
import { type TrainFromCacheOptions, trainFromCache } from '../run-from-cache.js';
import { manifestHash } from '../run-record.js';
import { resumeOptions } from './resume-run.js';
import { readRunInfo } from './run-info.js';

const dir = await mkdtemp(join(tmpdir(), 'ct3d-train-resume-run-'));
const cacheDir = join(dir, 'cache');
afterAll(() => rm(dir, { recursive: true, force: true }));
beforeAll(async () => {
  const data = join(dir, 'data');
  await writeSyntheticDataset(data, { perClass: 3, size: 24, slices: [10, 12], seed: 1 });
  const { scans } = await discoverScans(data);
  const pool = createWorkerPool({ workers: 1 });
  try {
    await lastValueFrom(ingest({ scans, cacheDir, size: [8, 8, 8], pool }));
  } finally {
    await pool.close();
  }
}, 60_000);

const base = (runDir: string): TrainFromCacheOptions => ({
  cacheDir,
  runDir,
  epochs: 3,
  backend: 'cpu',
  workers: 1,
  filters: [2],
  valFraction: 1 / 3,
  seed: 4,
  learningRate: 1e-3,
});

async function run(opts: TrainFromCacheOptions): Promise<TrainEvent[]> {
  const training = trainFromCache(opts);
  const events: TrainEvent[] = [];
  training.events$.subscribe((e) => events.push(e));
  await training.start();
  return events;
}

describe('trainFromCache --resume', () => {
  it('records what reproduces the run, continues after a crash, and refuses changed settings or data', async () => {
    const runDir = join(dir, 'run');
    // A crash in epoch 2: the run stops at its first step (the pool is closed with it).
    const crashed = trainFromCache(base(runDir));
    crashed.events$.subscribe((e) => {
      if (e.type === 'batchEnd' && e.epoch === 2) crashed.stop();
    });
    expect(await crashed.start()).toBeUndefined();

    const info = await readRunInfo(runDir);
    const manifest = JSON.parse(await readFile(join(cacheDir, 'manifest.json'), 'utf8'));
    expect(info.reproduce).toMatchObject({
      recordVersion: 1,
      tfjs: { core: '4.22.0', layers: '4.22.0', backend: 'cpu' },
      seeds: { init: 4, shuffleAugment: 4, split: null },
      data: { manifestHash: manifestHash(manifest), entries: 6, size: [8, 8, 8] },
      platform: { node: process.version, os: process.platform, arch: process.arch },
      resumes: [],
    });
    expect(info.reproduce?.ct3d.packages['@ct3d/train']).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.reproduce?.rng.shuffleAugment).toContain('(seed, epoch)');
    expect(info.reproduce?.rng.dropout).toContain('seeded');
    expect(info.reproduce?.rng.notDeterministic).toContain('webgpu');
    expect(info.settings).toMatchObject({ epochs: 3, seed: 4, filters: [2] });
    expect([...info.split.train, ...info.split.val].sort()).toEqual(
      manifest.entries.map((e: { id: string }) => e.id).sort(),
    );
    expect(await readdir(join(runDir, RESUME_DIR))).toEqual(['epoch-0001']);

    await expect(resumeOptions(runDir, [{ flag: '--epochs', key: 'epochs', value: 5 }])).rejects.toThrow(
      /^--epochs 5 conflicts with the run's recorded epochs 3 \(.+run\.json\); --resume keeps the recorded settings$/,
    );
    const opts = await resumeOptions(runDir, [{ flag: '--epochs', key: 'epochs', value: 3 }], { workers: 1 });
    expect(opts).toMatchObject({ ...base(runDir), resume: true, cacheDir });

    const events = await run(opts);
    const start = events[0];
    expect(start.type === 'runStart' && start.resumed?.epoch).toBe(1);
    expect(events.filter((e) => e.type === 'epochEnd').map((e) => e.epoch)).toEqual([2, 3]);
    const end = events.at(-1);
    expect(end?.type === 'runEnd' && end.epochsRun).toBe(3);
    const history = JSON.parse(await readFile(join(runDir, 'history.json'), 'utf8'));
    expect(history.loss).toHaveLength(3);
    expect(end?.type === 'runEnd' && end.history.loss).toEqual(history.loss);
    const after = await readRunInfo(runDir);
    expect(after.startedAt).toBe(info.startedAt);
    expect(after.reproduce?.resumes).toMatchObject([{ fromEpoch: 1, backend: 'cpu', cacheDir }]);
    expect(await readdir(join(runDir, RESUME_DIR))).toEqual(['epoch-0003']);

    // A changed cache (one label flipped) is refused before any training.
    const changed = join(dir, 'cache-changed');
    manifest.entries[0].label = 1 - manifest.entries[0].label;
    await rm(changed, { recursive: true, force: true });
    await cp(cacheDir, changed, { recursive: true });
    await writeFile(join(changed, 'manifest.json'), JSON.stringify(manifest));
    const moved = await resumeOptions(runDir, [], { cacheDir: changed, workers: 1 });
    await expect(run(moved)).rejects.toThrow(/cache-changed: the cache changed since the run started/);
  }, 120_000);

  it('refuses a folder that is not a run', async () => {
    await expect(resumeOptions(join(dir, 'nope'))).rejects.toThrow(/nope\/run\.json: not a run folder/);
  });
});
