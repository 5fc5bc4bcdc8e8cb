// Caches that are not what they seem: a real cache made by ingest, then its manifest.json or its files
// edited as a careless hand or a bad disk would. Each is refused with a line naming the manifest (or the
// cache), the entry and the reason, instead of "Invalid array length" or a silent wrong run.
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNifti } from '@ct3d/io/node';
import { synthesizeChestCT } from '@ct3d/io/synthetic';
import { lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CacheEntry, type CacheManifest, loadCache } from './cache.js';
import { ingest, type ScanEntry } from './ingest.js';
import { CacheProblemsError } from './manifest-schema.js';
import { createWorkerPool, type WorkerPool } from './pool.js';
import { verifyCacheEntries } from './verify-cache.js';

let root: string;
let pool: WorkerPool;
/** The cache ingest made: two scans (CT-0, CT-23) at 8x8x4. */
let made: string;
const scans: ScanEntry[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ct3d-cache-hostile-'));
  pool = createWorkerPool({ workers: 1 });
  for (const [i, abnormal] of [false, true].entries()) {
    const path = join(root, 'data', `scan-${i}.nii.gz`);
    await mkdir(join(root, 'data'), { recursive: true });
    await writeNifti(synthesizeChestCT({ size: 16, slices: 8, abnormal, seed: i }), path);
    scans.push({ path, label: i, className: abnormal ? 'CT-23' : 'CT-0' });
  }
  made = join(root, 'made');
  await lastValueFrom(ingest({ scans, cacheDir: made, size: [8, 8, 4], pool }));
}, 60_000);
afterAll(async () => {
  await pool?.close();
  await rm(root, { recursive: true, force: true });
});

let copies = 0;
/** A copy of the made cache with its manifest passed through `edit`; returns the copy's folder. */
async function editedCache(edit: (m: CacheManifest & Record<string, unknown>) => void): Promise<string> {
  const dir = join(root, `copy-${++copies}`);
  await cp(made, dir, { recursive: true });
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
  edit(manifest);
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

const problemOf = async (dir: string): Promise<string> =>
  loadCache(dir).then(
    () => 'accepted',
    (err: Error) => err.message,
  );

describe('the cache manifest schema (loadCache)', () => {
  it('names the manifest, the entry and the field of each wrong type or absurd value', async () => {
    const cases: [(e: Record<string, unknown>) => void, string][] = [
      [(e) => (e.label = 'abnormal'), 'label must be an integer from 0 to 999, got "abnormal"'],
      [(e) => (e.label = 1e308), 'label must be an integer from 0 to 999, got 1e+308'],
      [(e) => (e.label = -1), 'label must be an integer from 0 to 999, got -1'],
      [(e) => (e.shape = '48x48x48'), 'shape must be 3 positive integers, got "48x48x48"'],
      [(e) => (e.shape = [48, 48, 1e12]), 'shape 48x48x1000000000000 exceeds 536870824 voxels'],
      [(e) => (e.shape = [8, 8, 5]), "shape 8x8x5 differs from the cache's size 8x8x4"],
      [(e) => (e.file = '../elsewhere/x.nii'), 'file has a ".." segment (must be inside the cache)'],
      [(e) => (e.file = '/etc/passwd'), 'file is an absolute path (must be inside the cache)'],
      [(e) => (e.file = 'C:\\x.nii'), 'file is an absolute path (must be inside the cache)'],
      [(e) => (e.file = 7), 'file must be a relative path string, got 7'],
      [(e) => delete e.sourceHash, 'sourceHash is missing'],
      [(e) => (e.fileHash = 'abc'), 'fileHash must be a sha256 (64 hex digits), got "abc"'],
      [(e) => (e.sourceSize = '12'), 'sourceSize must be a non-negative integer, got "12"'],
      // A PACS series' resume key is a hash: a raw UID there is refused, not written back.
      [(e) => (e.seriesHash = '1.2.840.1'), 'seriesHash must be a sha256 (64 hex digits), got "1.2.840.1"'],
      [(e) => (e.studyHash = 12), 'studyHash must be a sha256 (64 hex digits), got 12'],
    ];
    for (const [edit, reason] of cases) {
      let file = '';
      const dir = await editedCache((m) => {
        const entry = m.entries[1] as unknown as Record<string, unknown>;
        edit(entry);
        file = String(typeof entry.file === 'string' ? entry.file : entry.id); // named by id without a file
      });
      expect(await problemOf(dir)).toBe(`${join(dir, 'manifest.json')}: entry 1 (${file}): ${reason}`);
    }
  });

  it('lists every problem (the message shows the first), and checks the manifest itself', async () => {
    const dir = await editedCache((m) => {
      Object.assign(m.entries[0], { label: 'abnormal' });
      Object.assign(m.entries[1], { id: m.entries[0].id });
    });
    const err = await loadCache(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CacheProblemsError);
    const first = (await loadCache(made)).entries[0];
    expect((err as CacheProblemsError).problems).toEqual([
      `entry 0 (${first.file}): label must be an integer from 0 to 999, got "abnormal"`,
      `entry 1 (${(await loadCache(made)).entries[1].file}): id "${first.id}" repeats entry 0's`,
    ]);
    expect((err as Error).message).toMatch(/got "abnormal" \(\+1 more\)$/);
    const noSize = await editedCache((m) => Object.assign(m, { size: [8, 8] }));
    expect(await problemOf(noSize)).toBe(
      `${join(noSize, 'manifest.json')}: size must be 3 positive integers, got [8,8]`,
    );
    const notManifest = await editedCache((m) => Object.assign(m, { entries: 'none' }));
    expect(await problemOf(notManifest)).toMatch(
      /manifest\.json: not a ct3d cache manifest \(no "entries" list\)$/,
    );
  });
});

describe('verifyCacheEntries: each file against what the manifest records', () => {
  const voxelsAt = 352;
  /** A copy of the made cache whose entry 1 file went through `edit` (bytes in, bytes out). */
  async function withEditedFile(edit: (bytes: Buffer) => Buffer, rehash = false) {
    const dir = join(root, `copy-${++copies}`);
    await cp(made, dir, { recursive: true });
    const manifest = await loadCache(dir);
    const entry = manifest.entries[1];
    const bytes = edit(await readFile(join(dir, entry.file)));
    await writeFile(join(dir, entry.file), bytes);
    if (rehash) {
      entry.fileHash = createHash('sha256').update(bytes).digest('hex');
      await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
    }
    return { dir, entries: (await loadCache(dir)).entries, entry };
  }
  const refusal = (dir: string, entries: CacheEntry[]) =>
    verifyCacheEntries(dir, entries).then(
      () => 'accepted',
      (err: Error) => err.message,
    );
  const advice = (dir: string) => `re-run \`ct3d ingest\` of the same data into ${dir} to rebuild it`;

  it('accepts the cache as ingest made it', async () => {
    expect(await refusal(made, (await loadCache(made)).entries)).toBe('accepted');
  });

  it('refuses 4 changed bytes (hash), NaN voxels with the hash updated to match, and a truncated file', async () => {
    const flipped = await withEditedFile((b) => {
      b.writeFloatLE(123.5, voxelsAt + 40);
      return b;
    });
    expect(await refusal(flipped.dir, flipped.entries)).toBe(
      `${flipped.dir}: 1 of 2 cached scans fail verification: ${flipped.entry.file}: ` +
        `cache file bytes differ from the ones written (hash mismatch); ${advice(flipped.dir)}`,
    );
    const nan = await withEditedFile((b) => {
      for (const at of [0, 4, 8]) b.writeFloatLE(Number.NaN, voxelsAt + at);
      b.writeFloatLE(Number.POSITIVE_INFINITY, voxelsAt + 12);
      return b;
    }, true);
    expect(await refusal(nan.dir, nan.entries)).toBe(
      `${nan.dir}: 1 of 2 cached scans fail verification: ${nan.entry.file}: ` +
        `cache file has 4 NaN/Inf voxels; ${advice(nan.dir)}`,
    );
    // What the advice says: ingest again rebuilds the file (its check is the same cachedFileProblem).
    await lastValueFrom(ingest({ scans, cacheDir: nan.dir, size: [8, 8, 4], pool }));
    expect(await refusal(nan.dir, (await loadCache(nan.dir)).entries)).toBe('accepted');
    const short = await withEditedFile((b) => b.subarray(0, b.length - 4));
    expect(await refusal(short.dir, short.entries)).toContain(
      `${short.entry.file}: cache file has 1372 bytes, 1376 expected (truncated?)`,
    );
  });

  it('refuses a link out of the cache and a missing file, listing every bad entry', async () => {
    const dir = join(root, `copy-${++copies}`);
    await cp(made, dir, { recursive: true });
    const [a, b] = (await loadCache(dir)).entries;
    await mkdir(join(root, 'elsewhere'), { recursive: true });
    await cp(join(dir, b.file), join(root, 'elsewhere', 'x.nii'));
    await rm(join(dir, b.file));
    await symlink(join(root, 'elsewhere', 'x.nii'), join(dir, b.file));
    await rm(join(dir, a.file));
    const err = await verifyCacheEntries(dir, [a, b]).catch((e: unknown) => e);
    expect((err as CacheProblemsError).problems).toEqual([
      `${a.file}: cache file missing`,
      `${b.file}: file is a link that leaves the cache (to ${join(root, 'elsewhere', 'x.nii')})`,
    ]);
    expect((err as Error).message).toContain('2 of 2 cached scans fail verification');
    // Entries handed in by an API caller (not through loadCache) get the same lexical check.
    const outside = { ...b, file: '../elsewhere/x.nii' };
    expect(await refusal(dir, [outside])).toContain(
      '../elsewhere/x.nii: file has a ".." segment (must be inside the cache)',
    );
  });
});
