// A DICOM series ingests to the same cached volume as dcm2niix's NIfTI of it, and a re-run reuses the cache.
import { mkdirSync } from 'node:fs';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoverScans } from '@ct3d/io/dataset';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dcm2niix, makeSeries } from '../../io/src/dicom/test-series.js';
import { loadCache, readCachedVolume } from './cache.js';
import { type IngestEvent, ingest } from './ingest.js';
import { createWorkerPool, type WorkerPool } from './pool.js';

const SIZE: [number, number, number] = [16, 16, 8];
let root: string;
let pool: WorkerPool;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ct3d-ingest-dicom-'));
  pool = createWorkerPool({ workers: 1 });
});
afterAll(async () => {
  await pool?.close();
  await rm(root, { recursive: true, force: true });
});

const doneOf = (events: IngestEvent[]) =>
  events.find((e) => e.type === 'done') as Extract<IngestEvent, { type: 'done' }>;

describe('ingest of DICOM series', { timeout: 60_000 }, () => {
  it('caches each series exactly as the NIfTI dcm2niix writes of it', async () => {
    const dicom = join(root, 'dicom');
    const nifti = join(root, 'nifti');
    for (const [cls, kind, seed] of [
      ['CT-0', 'axial', 1],
      ['CT-23', 'sagittal', 2],
      ['CT-23', 'enhanced', 3],
    ] as const) {
      const dir = makeSeries(join(dicom, cls, `${kind}`), kind, { slices: 8, seed });
      mkdirSync(join(nifti, cls), { recursive: true });
      const [file] = dcm2niix(dir, join(root, 'dcm2niix', kind));
      await copyFile(file, join(nifti, cls, `${kind}.nii.gz`));
    }
    const fromDicom = await discoverScans(dicom);
    const fromNifti = await discoverScans(nifti);
    expect(fromDicom.scans.map((s) => s.dicom?.files.length)).toEqual([8, 1, 8]);
    const run = (scans: typeof fromDicom.scans, cacheDir: string) =>
      lastValueFrom(ingest({ scans, cacheDir, size: SIZE, pool }).pipe(toArray()));
    expect(doneOf(await run(fromDicom.scans, join(root, 'cache-dicom')))).toMatchObject({
      ingested: 3,
      failed: [],
    });
    expect(doneOf(await run(fromNifti.scans, join(root, 'cache-nifti')))).toMatchObject({
      ingested: 3,
      failed: [],
    });
    const [a, b] = await Promise.all([
      loadCache(join(root, 'cache-dicom')),
      loadCache(join(root, 'cache-nifti')),
    ]);
    const kindOf = (source: string) => /(axial|sagittal|enhanced)/.exec(source)?.[1];
    for (const entry of a.entries) {
      const twin = b.entries.find((e) => kindOf(e.source) === kindOf(entry.source));
      expect(twin, entry.source).toBeDefined();
      if (!twin) continue;
      expect(entry.label).toBe(twin.label);
      expect(entry.sourceShape).toEqual(twin.sourceShape);
      const [ours, theirs] = await Promise.all([
        readCachedVolume(join(root, 'cache-dicom'), entry),
        readCachedVolume(join(root, 'cache-nifti'), twin),
      ]);
      expect(ours.data).toEqual(theirs.data);
    }
    const again = doneOf(await run(fromDicom.scans, join(root, 'cache-dicom')));
    expect(again).toMatchObject({ ingested: 0, skipped: 3 });
  });
});
