// Runs trainFromCache must refuse before anything is written: a folder that holds a run, a cache whose files
// are not what its manifest records, a class with no scans. Real caches made by ingest, then edited.
import { createHash } from 'node:crypto';
import { access, cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScanEntry } from '@ct3d/io/dataset';
import { discoverScans } from '@ct3d/io/dataset';
import { writeSyntheticDataset } from '@ct3d/io/synthetic';
import { createWorkerPool, ingest } from '@ct3d/pipeline';
import { lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TrainFromCacheOptions, trainFromCache } from './run-from-cache.js';

const dir = await mkdtemp(join(tmpdir(), 'ct3d-train-refused-'));
const cacheDir = join(dir, 'cache');
let scans: ScanEntry[] = [];
afterAll(() => rm(dir, { recursive: true, force: true }));

async function ingestInto(out: string, chosen: ScanEntry[]): Promise<void> {
  const pool = createWorkerPool({ workers: 1 });
  try {
    await lastValueFrom(ingest({ scans: chosen, cacheDir: out, size: [8, 8, 8], pool }));
  } finally {
    await pool.close();
  }
}

beforeAll(async () => {
  const data = join(dir, 'data');
  await writeSyntheticDataset(data, { perClass: 3, size: 24, slices: [10, 12], seed: 1 });
  scans = (await discoverScans(data)).scans;
  await ingestInto(cacheDir, scans);
}, 60_000);

const base = (runDir: string, over: Partial<TrainFromCacheOptions> = {}): TrainFromCacheOptions => ({
  cacheDir,
  runDir,
  epochs: 1,
  backend: 'cpu',
  workers: 1,
  filters: [2],
  valFraction: 1 / 3,
  seed: 4,
  ...over,
});

const refusal = (opts: TrainFromCacheOptions): Promise<string> =>
  trainFromCache(opts)
    .start()
    .then(
      () => 'trained',
      (err: Error) => err.message,
    );
const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** A copy of the cache whose manifest (and files) `edit` changes. */
async function editedCache(
  name: string,
  edit: (manifest: { entries: Record<string, unknown>[] }, dir: string) => Promise<void>,
) {
  const copy = join(dir, name);
  await cp(cacheDir, copy, { recursive: true });
  const manifest = JSON.parse(await readFile(join(copy, 'manifest.json'), 'utf8'));
  await edit(manifest, copy);
  await writeFile(join(copy, 'manifest.json'), JSON.stringify(manifest));
  return { copy, files: manifest.entries.map((e: { file: string }) => e.file) as string[] };
}

describe('trainFromCache refuses before writing anything', () => {
  it('a folder that holds a run: refused unchanged; overwrite replaces it', async () => {
    const runDir = join(dir, 'run');
    expect(await refusal(base(runDir))).toBe('trained');
    const before = await readdir(runDir);
    const history = await readFile(join(runDir, 'history.json'), 'utf8');
    const best = await readFile(join(runDir, 'best', 'weights.bin'));
    expect(await refusal(base(runDir, { epochs: 2 }))).toBe(
      `${runDir}: already holds a run (best, curves.png, events.jsonl, history.json, ...); ` +
        `continue it with --resume ${runDir}, or replace it with --overwrite`,
    );
    expect(await readdir(runDir)).toEqual(before);
    expect(await readFile(join(runDir, 'history.json'), 'utf8')).toBe(history);
    expect(await readFile(join(runDir, 'best', 'weights.bin'))).toEqual(best);
    expect(JSON.parse(await readFile(join(runDir, 'metrics.json'), 'utf8')).error).toBeUndefined();

    await writeFile(join(runDir, 'notes.txt'), 'mine');
    expect(await refusal(base(runDir, { epochs: 2, overwrite: true }))).toBe('trained');
    expect(JSON.parse(await readFile(join(runDir, 'history.json'), 'utf8')).loss).toHaveLength(2);
    expect((await readFile(join(runDir, 'events.jsonl'), 'utf8')).match(/"type":"runStart"/g)).toHaveLength(
      1,
    );
    expect(await readFile(join(runDir, 'notes.txt'), 'utf8')).toBe('mine'); // not a run file: kept
  }, 60_000);

  it('a cache file that is not what the manifest records: every bad one named, no run folder made', async () => {
    const { copy, files } = await editedCache('cache-tampered', async (m, copy) => {
      const flipped = join(copy, String(m.entries[0].file));
      const bytes = await readFile(flipped);
      bytes.writeUInt32LE(0x7fc00000 ^ bytes.readUInt32LE(400), 400); // 4 bytes changed
      await writeFile(flipped, bytes);
      // NaN voxels with the recorded hash updated to match: the hash alone would pass them.
      const nan = join(copy, String(m.entries[4].file));
      const poisoned = await readFile(nan);
      poisoned.writeFloatLE(Number.NaN, 352);
      await writeFile(nan, poisoned);
      m.entries[4].fileHash = createHash('sha256').update(poisoned).digest('hex');
    });
    const runDir = join(dir, 'run-tampered');
    expect(await refusal(base(runDir, { cacheDir: copy }))).toBe(
      `${copy}: 2 of 6 cached scans fail verification: ${files[0]}: cache file bytes differ from the ones ` +
        `written (hash mismatch) (+1 more); re-run \`ct3d ingest\` of the same data into ${copy} to rebuild them`,
    );
    expect(await exists(runDir)).toBe(false);
  });

  it('a manifest entry outside the cache or of the wrong type: named, no run folder made', async () => {
    await cp(cacheDir, join(dir, 'elsewhere'), { recursive: true }); // a real scan there: it would train
    const { copy, files } = await editedCache('cache-outside', async (m) => {
      m.entries[1].file = `../elsewhere/${m.entries[1].file}`;
    });
    const runDir = join(dir, 'run-outside');
    expect(await refusal(base(runDir, { cacheDir: copy }))).toBe(
      `${join(copy, 'manifest.json')}: entry 1 (${files[1]}): file has a ".." segment (must be inside the cache)`,
    );
    const typed = await editedCache('cache-typed', async (m) => {
      m.entries[2].label = 'abnormal';
    });
    expect(await refusal(base(runDir, { cacheDir: typed.copy }))).toMatch(
      /manifest\.json: entry 2 \(\S+\.nii\): label must be an integer from 0 to 999, got "abnormal"$/,
    );
    expect(await exists(runDir)).toBe(false);
  });

  it('a class with no scans, or none left for validation, is named', async () => {
    const oneClass = join(dir, 'cache-one-class');
    await ingestInto(
      oneClass,
      scans.filter((s) => s.label === 0),
    );
    const runDir = join(dir, 'run-classes');
    expect(await refusal(base(runDir, { cacheDir: oneClass }))).toBe(
      `${oneClass}: class 1 has no scans; training needs scans of every class 0..1 (at least 2 classes): ` +
        'add scans to its folder and re-run `ct3d ingest`',
    );
    const tiny = join(dir, 'cache-tiny-class');
    await ingestInto(tiny, [...scans.filter((s) => s.label === 0), scans.find((s) => s.label === 1)!]);
    expect(await refusal(base(runDir, { cacheDir: tiny }))).toBe(
      `${tiny}: class 1 (CT-23) has 1 scan, none left for validation; every class needs scans in both ` +
        'splits (at least 2 each, K with --folds K): add scans or change --val-fraction',
    );
    expect(await refusal(base(runDir, { folds: 4, fold: 1 }))).toMatch(
      /: class 0 \(CT-0\) has 3 scans, none left for validation; /,
    );
    expect(await refusal(base(runDir, { cacheDir: tiny, folds: 2, fold: 1 }))).toMatch(
      /: class 1 \(CT-23\) has 1 scan, none left for validation; /,
    );
    expect(await exists(runDir)).toBe(false);
  }, 60_000);
});
