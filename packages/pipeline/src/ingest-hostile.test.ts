// Ingest of files that are not what they seem: each is refused with a one-line reason naming the file, the
// good scans around it are cached, and nothing hangs or grows memory without bound.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { identityAffine } from '@ct3d/core';
import { encodeNifti } from '@ct3d/io';
import { writeNifti } from '@ct3d/io/node';
import { synthesizeChestCT } from '@ct3d/io/synthetic';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCache, MAX_SCAN_ID_BYTES } from './cache.js';
import { type IngestEvent, ingest, type ScanEntry } from './ingest.js';
import { MemoryBudget } from './memory-budget.js';
import { createWorkerPool, type WorkerPool } from './pool.js';
import { ingestScan } from './workers/ingest-scan.js';

const SIZE: [number, number, number] = [8, 8, 4];
let root: string;
let pool: WorkerPool;

const scan = (path: string, label = 0): ScanEntry => ({ path, label, className: label ? 'CT-23' : 'CT-0' });
const good = (seed: number) => synthesizeChestCT({ size: 16, slices: 8, abnormal: false, seed });
const run = async (cacheDir: string, scans: ScanEntry[], memoryBudget?: number) => {
  const events = await lastValueFrom(
    ingest({ scans, cacheDir, size: SIZE, pool, memoryBudget }).pipe(toArray()),
  );
  const done = events.at(-1) as Extract<IngestEvent, { type: 'done' }>;
  return { events, done, reasons: new Map(done.failed.map((f) => [f.path, f.reason])) };
};

/** A gzip NIfTI whose header claims `dims` int16 while its body holds `bodyBytes` zero bytes. */
function lyingGzip(dims: [number, number, number], bodyBytes: number): Uint8Array {
  const head = encodeNifti(
    { data: new Float32Array(1), shape: [1, 1, 1], spacing: [1, 1, 1], affine: identityAffine() },
    {
      datatype: 'int16',
    },
  ).subarray(0, 352);
  const view = new DataView(head.buffer, head.byteOffset);
  for (const [i, d] of dims.entries()) view.setInt16(42 + 2 * i, d, true);
  return gzipSync(Buffer.concat([head, new Uint8Array(bodyBytes)]));
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ct3d-ingest-hostile-'));
  pool = createWorkerPool({ workers: 1 });
}, 60_000);
afterAll(async () => {
  await pool?.close();
  await rm(root, { recursive: true, force: true });
});

describe('ingest refuses files that are not what they seem', { timeout: 30_000 }, () => {
  it('a FIFO and a link to /dev/zero fail at once with their reason; the good scan is cached', async () => {
    const dir = join(root, 'special');
    await mkdir(dir);
    execFileSync('mkfifo', [join(dir, 'x.nii.gz')]);
    await symlink('/dev/zero', join(dir, 'zero.nii'));
    await writeNifti(good(1), join(dir, 'ok.nii.gz'));
    const { done, reasons } = await run(join(root, 'cache-special'), [
      scan(join(dir, 'x.nii.gz')),
      scan(join(dir, 'zero.nii')),
      scan(join(dir, 'ok.nii.gz')),
    ]);
    expect(done.ingested).toBe(1);
    expect(reasons.get(join(dir, 'x.nii.gz'))).toBe('not a regular file (a FIFO)');
    expect(reasons.get(join(dir, 'zero.nii'))).toBe('not a regular file (a device or socket)');
  });

  it('the worker itself refuses a FIFO (the check is not only the planner`s)', async () => {
    const fifo = join(root, 'worker-fifo.nii');
    execFileSync('mkfifo', [fifo]);
    const result = await ingestScan({ source: fifo, cacheFile: join(root, 'never.nii'), size: SIZE });
    expect(result).toMatchObject({ kind: 'failed', reason: 'not a regular file (a FIFO)' });
  });

  it('memory is bounded by what headers claim, before anything is inflated', async () => {
    const dir = join(root, 'claims');
    await mkdir(dir);
    // 1 MB of gzip that inflates to 1 GiB of valid-looking int16 voxels; and a bomb behind an 8x8x8 header.
    await writeFile(join(dir, 'huge.nii.gz'), lyingGzip([1024, 1024, 500], 4_000_000));
    await writeFile(join(dir, 'bomb.nii.gz'), lyingGzip([8, 8, 8], 30_000_000));
    await writeNifti(good(2), join(dir, 'ok.nii.gz'));
    const { done, reasons } = await run(
      join(root, 'cache-claims'),
      ['huge', 'bomb', 'ok'].map((n) => scan(join(dir, `${n}.nii.gz`))),
      512 * 1024 ** 2,
    );
    expect(done.ingested).toBe(1);
    expect(reasons.get(join(dir, 'huge.nii.gz'))).toBe(
      'needs about 5.2 GB of memory to decode (its header claims 1.0 GB of image), over the ingest memory budget of 537 MB',
    );
    expect(reasons.get(join(dir, 'bomb.nii.gz'))).toBe(
      'gzip data is larger than the 1376 bytes its header claims (wrong dims, or a gzip bomb)',
    );
  });

  it('2D images and 1x1x1 volumes are refused, not resized into noise', async () => {
    const dir = join(root, 'degenerate');
    await mkdir(dir);
    const flat = (shape: [number, number, number]) => ({
      data: new Float32Array(shape[0] * shape[1] * shape[2]).fill(-500),
      shape,
      spacing: [1, 1, 1] as [number, number, number],
      affine: identityAffine(),
    });
    await writeNifti(flat([64, 64, 1]), join(dir, 'slice.nii.gz'));
    await writeNifti(flat([1, 1, 1]), join(dir, 'voxel.nii'));
    const { done, reasons } = await run(join(root, 'cache-degenerate'), [
      scan(join(dir, 'slice.nii.gz')),
      scan(join(dir, 'voxel.nii')),
    ]);
    expect(done.ingested).toBe(0);
    expect(reasons.get(join(dir, 'slice.nii.gz'))).toMatch(/^degenerate volume 64x64x1 \(a 2D image\)/);
    expect(reasons.get(join(dir, 'voxel.nii'))).toMatch(/^degenerate volume 1x1x1 \(a single voxel\)/);
  });

  it('the same bytes under two labels fail both; a copy under one label keeps the first', async () => {
    const dir = join(root, 'dupes');
    await mkdir(dir);
    const bytes = encodeNifti(good(3), { datatype: 'int16' });
    for (const n of ['a', 'b', 'c', 'd']) await writeFile(join(dir, `${n}.nii`), bytes);
    await writeNifti(good(4), join(dir, 'e.nii'));
    await writeNifti(good(5), join(dir, 'f.nii'));
    await writeFile(join(dir, 'g.nii'), await readFile(join(dir, 'f.nii')));
    const list = [scan(join(dir, 'a.nii'), 0), scan(join(dir, 'b.nii'), 1), scan(join(dir, 'c.nii'), 0)];
    list.push(scan(join(dir, 'e.nii')), scan(join(dir, 'f.nii')), scan(join(dir, 'g.nii')));
    const { done, reasons } = await run(join(root, 'cache-dupes'), list);
    expect([...reasons.keys()].map((p) => p.slice(dir.length + 1))).toEqual([
      'a.nii',
      'b.nii',
      'c.nii',
      'g.nii',
    ]);
    expect(reasons.get(join(dir, 'a.nii'))).toBe(
      `same bytes as ${join(dir, 'b.nii')} (class CT-23): one scan cannot be both CT-0 and CT-23`,
    );
    expect(reasons.get(join(dir, 'g.nii'))).toBe(
      `same bytes as ${join(dir, 'f.nii')}: a copy would leak into both training and validation`,
    );
    const manifest = await loadCache(join(root, 'cache-dupes'));
    expect(manifest.entries.map((e) => e.source)).toEqual([join(dir, 'e.nii'), join(dir, 'f.nii')]);
    expect(done.failed).toHaveLength(4);
  });

  it('a truncated or altered cached volume is verified and rewritten on the next run', async () => {
    const dir = join(root, 'repair');
    await mkdir(dir);
    const list = [1, 2, 3].map((i) => scan(join(dir, `s${i}.nii.gz`)));
    for (const [i, s] of list.entries()) await writeNifti(good(10 + i), s.path);
    const cacheDir = join(root, 'cache-repair');
    await run(cacheDir, list);
    const [first, second] = (await loadCache(cacheDir)).entries;
    await truncate(join(cacheDir, first.file), 1000);
    const altered = await readFile(join(cacheDir, second.file));
    altered[400] ^= 0xff;
    await writeFile(join(cacheDir, second.file), altered);
    const { events, done } = await run(cacheDir, list);
    expect(done).toMatchObject({ ingested: 2, skipped: 1 });
    const warnings = events.flatMap((e) => (e.type === 'scanDone' ? e.warnings : []));
    expect(warnings).toEqual([
      `cache file rewritten: cache file has 1000 bytes, ${352 + 4 * 8 * 8 * 4} expected (truncated?)`,
      'cache file rewritten: cache file bytes differ from the ones written (hash mismatch)',
    ]);
    expect((await run(cacheDir, list)).done).toMatchObject({ ingested: 0, skipped: 3 });
  });
});

describe('ingest of names at the file system`s limits', { timeout: 30_000 }, () => {
  it('a 247-byte name, a 254-byte UTF-8 name and two long names alike are cached under unique, short names', async () => {
    const dir = join(root, 'long');
    await mkdir(dir);
    const names = [
      `${'a'.repeat(243)}.nii`,
      `${'é'.repeat(125)}.nii`,
      `${'b'.repeat(240)}1.nii.gz`,
      `${'b'.repeat(240)}2.nii.gz`,
      'x.tmp.nii',
    ];
    expect(names.map((n) => Buffer.byteLength(n))).toEqual([247, 254, 248, 248, 9]);
    for (const [i, n] of names.entries()) await writeNifti(good(20 + i), join(dir, n));
    const list = names.map((n) => scan(join(dir, n)));
    const cacheDir = join(root, 'cache-long');
    const { done } = await run(cacheDir, list);
    expect(done).toMatchObject({ ingested: 5, failed: [] });
    const { entries } = await loadCache(cacheDir);
    expect(entries.map((e) => e.source)).toEqual(list.map((s) => s.path));
    const files = entries.map((e) => e.file);
    expect(new Set(files).size).toBe(5);
    for (const f of files) expect(Buffer.byteLength(f)).toBeLessThanOrEqual(MAX_SCAN_ID_BYTES + 4);
    expect(files[0]).toMatch(new RegExp(`^a{${MAX_SCAN_ID_BYTES - 9}}-[0-9a-f]{8}\\.nii$`));
    expect(files[4]).toMatch(/^x_tmp-[0-9a-f]{8}\.nii$/);
    // All five are found intact on the next run (a ".tmp" in a name is not taken for a killed run's file).
    expect((await run(cacheDir, list)).done).toMatchObject({ ingested: 0, skipped: 5 });
  });
});

describe('MemoryBudget', () => {
  it('lets requests in while they fit, first come first served, and refuses one over the whole budget', async () => {
    const budget = new MemoryBudget(100);
    const order: string[] = [];
    const a = await budget.acquire(60);
    const granted = (name: string) => (release: () => void) => {
      order.push(name);
      return release;
    };
    const b = budget.acquire(50).then(granted('b'));
    const c = budget.acquire(10).then(granted('c'));
    await new Promise((r) => setTimeout(r, 5));
    expect(order).toEqual([]);
    expect(budget.used).toBe(60);
    a();
    (await b)();
    (await c)();
    expect(order).toEqual(['b', 'c']);
    expect(budget.used).toBe(0);
    expect(() => budget.acquire(101)).toThrow(RangeError);
  });
});
