import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { identityAffine, toChannelsLast } from '@ct3d/core';
import { discoverScans } from '@ct3d/io/dataset';
import { readNifti, writeNifti } from '@ct3d/io/node';
import { synthesizeChestCT, writeSyntheticDataset } from '@ct3d/io/synthetic';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Batch, epochBatches } from './batches.js';
import { loadCache, readCachedVolume } from './cache.js';
import { type IngestEvent, ingest, type ScanEntry } from './ingest.js';
import { createWorkerPool, type WorkerPool } from './pool.js';

const SIZE: [number, number, number] = [16, 16, 8];
let root: string;
let scans: ScanEntry[];
let pool: WorkerPool;

const run = (cacheDir: string, list = scans, size = SIZE) =>
  lastValueFrom(ingest({ scans: list, cacheDir, size, pool }).pipe(toArray()));
const ofType = <T extends IngestEvent['type']>(events: IngestEvent[], type: T) =>
  events.filter((e): e is Extract<IngestEvent, { type: T }> => e.type === type);
const doneOf = (events: IngestEvent[]) => ofType(events, 'done')[0];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ct3d-ingest-'));
  const data = join(root, 'data');
  await writeSyntheticDataset(data, { perClass: 2, size: 32, slices: [8, 8], seed: 3 });
  // A corrupt scan (not NIfTI) and one with NaN voxels next to the good ones.
  await writeFile(join(data, 'CT-0', 'corrupt.nii'), new Uint8Array(200).fill(7));
  const nan = new Float32Array(32 * 32 * 8).fill(-500);
  nan[5] = Number.NaN;
  nan[9] = Number.POSITIVE_INFINITY;
  await writeNifti(
    { data: nan, shape: [32, 32, 8], spacing: [1, 1, 1], affine: identityAffine() },
    join(data, 'CT-23', 'nan.nii'),
    { datatype: 'float32' },
  );
  scans = (await discoverScans(data)).scans;
  pool = createWorkerPool({ workers: 2 });
}, 60_000);

afterAll(async () => {
  await pool?.close();
  await rm(root, { recursive: true, force: true });
});

describe('ingest', { timeout: 30_000 }, () => {
  it('caches every good scan as float32 .nii, reports the corrupt one and warns about NaN', async () => {
    expect(scans).toHaveLength(6);
    const cacheDir = join(root, 'cache-a');
    const events = await run(cacheDir);
    expect(events[0]).toMatchObject({ type: 'start', total: 6, cached: 0, workers: 2 });
    const done = doneOf(events);
    expect(events.at(-1)).toBe(done);
    expect(done).toMatchObject({ ingested: 5, skipped: 0, total: 6, warnings: 1 });
    expect(done.failed).toHaveLength(1);
    expect(done.failed[0].path).toMatch(/corrupt\.nii$/);
    expect(done.failed[0].reason.length).toBeGreaterThan(0);
    expect(ofType(events, 'scanFailed').map((e) => e.path)).toEqual([done.failed[0].path]);
    const nanEvent = ofType(events, 'scanDone').find((e) => e.path.endsWith('nan.nii'));
    expect(nanEvent?.warnings[0]).toMatch(/2 non-finite/);
    // Progress counters: each scan event carries done/total, 1..6 in emission order.
    const progress = events.flatMap((e) =>
      e.type === 'scanDone' || e.type === 'scanFailed' ? [e.done] : [],
    );
    expect(progress).toEqual([1, 2, 3, 4, 5, 6]);
    expect(done.failed[0].reason).toMatch(/NIfTI|magic|size|header/i);

    const manifest = await loadCache(cacheDir);
    expect(manifest.size).toEqual(SIZE);
    expect(manifest.entries.map((e) => e.source)).toEqual(
      scans.map((s) => s.path).filter((p) => !p.endsWith('corrupt.nii')),
    );
    expect(manifest.failed).toEqual(done.failed);
    for (const entry of manifest.entries) {
      const bytes = await readFile(entry.source);
      expect(entry.sourceHash).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(entry.shape).toEqual(SIZE);
      const raw = await readNifti(join(cacheDir, entry.file));
      expect(raw.datatype).toBe('float32');
      const v = await readCachedVolume(cacheDir, entry);
      expect(v.shape).toEqual(SIZE);
      expect(Math.min(...v.data)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...v.data)).toBeLessThanOrEqual(1);
    }
    expect(manifest.entries.find((e) => e.source.endsWith('nan.nii'))?.warnings).toHaveLength(1);
    expect((await readdir(cacheDir)).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('skips cached scans on a rerun, re-hashes touched files and redoes changed ones', async () => {
    const cacheDir = join(root, 'cache-b');
    await run(cacheDir);
    const first = await loadCache(cacheDir);
    const cachedFile = join(cacheDir, first.entries[0].file);
    const mtimeBefore = (await stat(cachedFile)).mtimeMs;

    const again = await run(cacheDir);
    expect(again[0]).toMatchObject({ type: 'start', total: 6, cached: 5 });
    expect(doneOf(again)).toMatchObject({ ingested: 0, skipped: 5 });
    expect(doneOf(again).failed).toHaveLength(1); // the corrupt file is retried and still fails
    expect(ofType(again, 'scanDone').every((e) => e.cached)).toBe(true);
    expect((await stat(cachedFile)).mtimeMs).toBe(mtimeBefore);

    // Touched (same bytes): the content hash says unchanged. Rewritten: ingested again.
    const touched = first.entries[0].source;
    await utimes(touched, new Date(), new Date(Date.now() + 5000));
    const changed = first.entries[1].source;
    // New bytes of its own (a copy of another scan would be refused as a duplicate).
    await writeNifti(synthesizeChestCT({ size: 32, slices: 8, abnormal: false, seed: 99 }), changed);
    const third = await run(cacheDir);
    expect(doneOf(third)).toMatchObject({ ingested: 1, skipped: 4 });
    const byPath = new Map(ofType(third, 'scanDone').map((e) => [e.path, e]));
    expect(byPath.get(touched)?.cached).toBe(true);
    expect(byPath.get(changed)?.cached).toBe(false);
    const updated = await loadCache(cacheDir);
    const newHash = createHash('sha256')
      .update(await readFile(changed))
      .digest('hex');
    expect(updated.entries[1].sourceHash).toBe(newHash);
    expect(newHash).not.toBe(first.entries[1].sourceHash);
  });

  it('resumes after a killed run: stale temp files are removed, missing outputs redone', async () => {
    const cacheDir = join(root, 'cache-c');
    await run(cacheDir);
    const manifest = await loadCache(cacheDir);
    // What a kill leaves: half-written temp files, and an output whose manifest write never happened.
    await writeFile(join(cacheDir, `.${manifest.entries[0].file}.999.abcd.tmp`), new Uint8Array(10));
    await writeFile(join(cacheDir, 'manifest.json.999.1.tmp'), '{"entries": [');
    await rm(join(cacheDir, manifest.entries[3].file));
    const events = await run(cacheDir);
    expect(events[0]).toMatchObject({ type: 'start', cached: 4 });
    expect((events[0] as Extract<IngestEvent, { type: 'start' }>).removedTemps).toHaveLength(2);
    expect(doneOf(events)).toMatchObject({ ingested: 1, skipped: 4 });
    expect((await readdir(cacheDir)).filter((f) => f.includes('.tmp'))).toEqual([]);
    expect((await loadCache(cacheDir)).entries).toHaveLength(5);
  });

  it('recomputes everything when the target size changes, and reports unreadable paths', async () => {
    const cacheDir = join(root, 'cache-d');
    await run(cacheDir);
    const list = [...scans, { path: join(root, 'missing.nii'), label: 0, className: 'CT-0' }];
    const events = await run(cacheDir, list, [8, 8, 4]);
    expect(doneOf(events)).toMatchObject({ ingested: 5, skipped: 0 });
    expect(
      doneOf(events)
        .failed.map((f) => f.reason)
        .join('\n'),
    ).toMatch(/cannot read: .*ENOENT/);
    const manifest = await loadCache(cacheDir);
    expect(manifest.size).toEqual([8, 8, 4]);
    expect(manifest.entries.every((e) => e.shape.join() === '8,8,4')).toBe(true);
  });

  it('fails the stream on a corrupt manifest instead of silently discarding the cache', async () => {
    const cacheDir = join(root, 'cache-e');
    await run(cacheDir, scans.slice(0, 1));
    await writeFile(join(cacheDir, 'manifest.json'), '{ not json');
    await expect(run(cacheDir)).rejects.toThrow(/manifest\.json: invalid JSON/);
  });
});

describe('epochBatches on real workers', { timeout: 30_000 }, () => {
  it('loads cached volumes channels-last; augmentation is seeded per item, not per worker', async () => {
    const cacheDir = join(root, 'cache-train');
    await run(cacheDir);
    const { entries } = await loadCache(cacheDir);
    const opts = { cacheDir, entries, batchSize: 2, shuffle: true, augment: true, seed: 11, epoch: 1 };
    const gather = async (p: WorkerPool, augment = true) => {
      const out: Batch[] = [];
      for await (const b of epochBatches({ ...opts, augment, pool: p })) out.push(b);
      return out;
    };
    const single = createWorkerPool({ workers: 1 });
    try {
      const a = await gather(pool); // 2 workers
      const b = await gather(single); // 1 worker: different scheduling, same batches
      expect(a.map((x) => x.ids)).toEqual(b.map((x) => x.ids));
      for (const [i, batch] of a.entries()) expect(batch.x).toEqual(b[i].x);
      expect(a.map((x) => x.shape[0])).toEqual([2, 2, 1]);
      expect(a[0].shape).toEqual([2, ...SIZE, 1]);
      // The single worker has been busy loading: its utilization is reported with each batch.
      expect(b.at(-1)?.poolUtilization).toBeGreaterThan(0);
      expect(b.at(-1)?.poolUtilization).toBeLessThanOrEqual(1);

      // Without augmentation each item is exactly the cached volume, transposed.
      const plain = await gather(pool, false);
      const first = entries.find((e) => e.id === plain[0].ids[0]) as (typeof entries)[number];
      const expected = toChannelsLast(await readCachedVolume(cacheDir, first));
      expect(plain[0].x.subarray(0, expected.length)).toEqual(expected);
      expect(plain[0].y[0]).toBe(first.label);
      expect(a[0].ids).toEqual(plain[0].ids);
      expect(a[0].x).not.toEqual(plain[0].x); // rotated
    } finally {
      await single.close();
    }
  });
});
