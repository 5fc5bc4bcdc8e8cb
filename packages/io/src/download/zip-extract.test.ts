import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverScans } from '../discover.js';
import { readNifti } from '../nifti-read.js';
import { buildZip, tinyScanBytes, type ZipEntrySpec } from './test-support.js';
import { extractZip } from './zip-extract.js';

let root = '';
let n = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ct3d-unzip-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A fresh case folder holding `<case>/out/` and the zip at `<case>/<name>`. */
async function withZip(entries: ZipEntrySpec[], name = 'CT-0.zip') {
  const dir = join(root, `case${++n}`);
  await mkdir(dir, { recursive: true });
  const zipPath = join(dir, name);
  await writeFile(zipPath, buildZip(entries));
  return { dir, zipPath, outDir: join(dir, 'out') };
}

const scans = [tinyScanBytes(1), tinyScanBytes(2), tinyScanBytes(3, true)];

describe('extractZip', () => {
  it('extracts MosMedData-shaped zips where discoverScans finds them', async () => {
    const ct0 = await withZip([
      { name: 'CT-0/' },
      { name: 'CT-0/study_0001.nii.gz', data: scans[0] },
      { name: 'CT-0/study_0002.nii.gz', data: scans[1], deflate: true },
      { name: '__MACOSX/CT-0/._study_0001.nii.gz', data: new Uint8Array(10) },
    ]);
    const result = await extractZip({ zipPath: ct0.zipPath, outDir: ct0.outDir, folder: 'CT-0' });
    expect(result.failed).toEqual([]);
    expect(result.extracted.map((p) => p.slice(ct0.outDir.length + 1))).toEqual([
      'CT-0/study_0001.nii.gz',
      'CT-0/study_0002.nii.gz',
    ]);
    expect(result.ignored).toEqual(['CT-0/', '__MACOSX/CT-0/._study_0001.nii.gz']);
    expect(result.bytes).toBe(scans[0].length + scans[1].length);
    // A zip without a top folder still lands in its class folder.
    const ct23 = await withZip([{ name: 'study_0003.nii.gz', data: scans[2] }], 'CT-23.zip');
    await extractZip({ zipPath: ct23.zipPath, outDir: ct0.outDir, folder: 'CT-23' });
    const found = await discoverScans(ct0.outDir);
    expect(found.scans.map((s) => [s.path.slice(ct0.outDir.length + 1), s.label])).toEqual([
      ['CT-0/study_0001.nii.gz', 0],
      ['CT-0/study_0002.nii.gz', 0],
      ['CT-23/study_0003.nii.gz', 1],
    ]);
    expect(found.skipped).toEqual([]);
    expect((await readNifti(found.scans[2].path)).shape).toEqual([16, 16, 8]);
  });

  it('refuses "../x", absolute paths and symlinks, writes nothing outside, and keeps going', async () => {
    const { dir, zipPath, outDir } = await withZip([
      { name: '../x', data: new Uint8Array([1, 2, 3]) },
      { name: 'CT-0/../../y', data: new Uint8Array([1]) },
      { name: `${root}/abs.nii.gz`, data: new Uint8Array([1]) },
      { name: 'C:/win.nii.gz', data: new Uint8Array([1]) },
      { name: 'CT-0/link.nii.gz', data: new TextEncoder().encode('/etc/passwd'), mode: 0o120777 },
      { name: 'CT-0/study_0001.nii.gz', data: scans[0] },
    ]);
    const result = await extractZip({ zipPath, outDir, folder: 'CT-0' });
    expect(result.failed).toEqual([
      { entry: '../x', reason: '".." in the path (refused)' },
      { entry: 'CT-0/../../y', reason: '".." in the path (refused)' },
      { entry: `${root}/abs.nii.gz`, reason: 'absolute path (refused)' },
      { entry: 'C:/win.nii.gz', reason: 'absolute path (refused)' },
      { entry: 'CT-0/link.nii.gz', reason: 'symbolic link (refused)' },
    ]);
    expect(result.extracted).toEqual([join(outDir, 'CT-0', 'study_0001.nii.gz')]);
    expect(existsSync(join(dir, 'x'))).toBe(false);
    expect(existsSync(join(root, 'y'))).toBe(false);
    expect(existsSync(join(root, 'abs.nii.gz'))).toBe(false);
    expect((await readdir(dir)).sort()).toEqual(['CT-0.zip', 'out']);
    expect(await readdir(join(outDir, 'CT-0'))).toEqual(['study_0001.nii.gz']);
  });

  it('refuses a folder under out that links outside it', async () => {
    const { dir, zipPath, outDir } = await withZip([{ name: 'CT-0/sub/a.nii.gz', data: scans[0] }]);
    await mkdir(join(dir, 'elsewhere'));
    await mkdir(join(outDir, 'CT-0'), { recursive: true });
    await symlink(join(dir, 'elsewhere'), join(outDir, 'CT-0', 'sub'));
    const result = await extractZip({ zipPath, outDir });
    expect(result.failed[0].reason).toContain('links outside the output folder (refused)');
    expect(await readdir(join(dir, 'elsewhere'))).toEqual([]);
  });

  it('refuses a high-ratio entry, an entry that inflates past its header, and bytes over the total cap', async () => {
    const zeros = new Uint8Array(2_000_000);
    const { zipPath, outDir } = await withZip([
      { name: 'CT-0/bomb.nii.gz', data: zeros, deflate: true },
      { name: 'CT-0/liar.nii.gz', data: zeros.subarray(0, 300_000), deflate: true, declaredSize: 100 },
      { name: 'CT-0/ok.nii.gz', data: scans[0] },
    ]);
    const result = await extractZip({ zipPath, outDir });
    expect(result.failed).toHaveLength(2);
    expect(result.failed[0]).toEqual({
      entry: 'CT-0/bomb.nii.gz',
      reason: expect.stringMatching(
        /^compression ratio \d+ is over the cap of 100 \(zip bomb guard, refused\)$/,
      ),
    });
    expect(result.failed[1]).toEqual({
      entry: 'CT-0/liar.nii.gz',
      reason: 'inflates past its declared 100 bytes (refused)',
    });
    expect(await readdir(join(outDir, 'CT-0'))).toEqual(['ok.nii.gz']); // no temp files left behind

    const capped = await extractZip({ zipPath, outDir: join(outDir, '..', 'capped'), maxTotalBytes: 100 });
    const okFailure = capped.failed.find((f) => f.entry === 'CT-0/ok.nii.gz');
    expect(okFailure?.reason).toBe('passes the cap on bytes extracted from this zip (refused)');
  });

  it('skips files already extracted with the right size and redoes damaged ones', async () => {
    const { zipPath, outDir } = await withZip([
      { name: 'CT-0/study_0001.nii.gz', data: scans[0] },
      { name: 'CT-0/study_0002.nii.gz', data: scans[1], deflate: true },
    ]);
    await extractZip({ zipPath, outDir });
    const again = await extractZip({ zipPath, outDir });
    expect(again.extracted).toEqual([]);
    expect(again.present).toHaveLength(2);
    const damaged = join(outDir, 'CT-0', 'study_0002.nii.gz');
    await writeFile(damaged, 'short');
    const third = await extractZip({ zipPath, outDir });
    expect(third.extracted).toEqual([damaged]);
    expect(Buffer.compare(await readFile(damaged), Buffer.from(scans[1]))).toBe(0);
  });

  it('reports a CRC mismatch and a file that is not a zip', async () => {
    const { zipPath, outDir } = await withZip([{ name: 'CT-0/a.nii.gz', data: scans[0] }]);
    const bytes = await readFile(zipPath);
    bytes[30 + 'CT-0/a.nii.gz'.length + 100] ^= 0xff; // flip one data byte of the stored entry
    await writeFile(zipPath, bytes);
    const result = await extractZip({ zipPath, outDir });
    expect(result.failed).toEqual([
      { entry: 'CT-0/a.nii.gz', reason: expect.stringContaining('CRC-32 mismatch') },
    ]);
    expect(existsSync(join(outDir, 'CT-0', 'a.nii.gz'))).toBe(false);
    await writeFile(zipPath, 'not a zip at all');
    await expect(extractZip({ zipPath, outDir })).rejects.toThrow(/^CT-0\.zip: not a readable zip \(/);
    expect((await stat(zipPath)).size).toBe(16);
  });
});

describe('extractZip with entries that are not what they seem', () => {
  it('a second entry of the same name is refused, the first is kept (the last no longer silently wins)', async () => {
    const z = await withZip([
      { name: 'CT-0/study_0001.nii.gz', data: scans[0] },
      { name: 'CT-0/study_0001.nii.gz', data: scans[1] },
      { name: 'study_0001.nii.gz', data: scans[2] },
    ]);
    const result = await extractZip({ zipPath: z.zipPath, outDir: z.outDir, folder: 'CT-0' });
    const target = join(z.outDir, 'CT-0', 'study_0001.nii.gz');
    expect(result.extracted).toEqual([target]);
    expect(result.failed).toEqual([
      {
        entry: 'CT-0/study_0001.nii.gz',
        reason: 'duplicate of the earlier entry CT-0/study_0001.nii.gz (same output path, refused)',
      },
      {
        entry: 'study_0001.nii.gz',
        reason: 'duplicate of the earlier entry CT-0/study_0001.nii.gz (same output path, refused)',
      },
    ]);
    expect(Buffer.compare(await readFile(target), Buffer.from(scans[0]))).toBe(0);
  });

  it('an unreadable zip says to delete it, naming its path (a rerun would skip its download)', async () => {
    const dir = join(root, 'unreadable');
    await mkdir(dir, { recursive: true });
    const zipPath = join(dir, 'CT-23.zip');
    await writeFile(zipPath, new Uint8Array(4096).fill(0x41));
    await expect(extractZip({ zipPath, outDir: join(dir, 'out') })).rejects.toThrow(
      new RegExp(`^CT-23\\.zip: not a readable zip \\(.+\\); delete ${zipPath} to download it again$`),
    );
  });
});
