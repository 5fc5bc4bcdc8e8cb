// Files that are not what they seem: a FIFO, a device behind a symlink, a header that claims far more
// than the body holds, a gzip bomb behind a valid header, 2D and single-voxel "volumes".
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNifti } from '../test/nifti-builders.js';
import { claimedNiftiSize, decodeNifti, MIN_SCAN_EXTENT } from './index.js';
import { readNifti, readRegularFile } from './node.js';

const int16 = (dims: number[]) =>
  buildNifti({
    datatype: 'int16',
    dims,
    values: Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => 7),
  });

/** A valid 8x4x2 int16 whose header is then made to claim `dims` (int16 sizes, NIfTI-1 dim[1..3] at 42). */
function claiming(dims: [number, number, number]): Uint8Array {
  const bytes = int16([8, 4, 2]);
  const view = new DataView(bytes.buffer);
  for (const [i, d] of dims.entries()) view.setInt16(42 + 2 * i, d, true);
  return bytes;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ct3d-hostile-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('files that are not regular files', () => {
  it('a FIFO named x.nii.gz is refused without opening a blocking read', async () => {
    const fifo = join(dir, 'x.nii.gz');
    execFileSync('mkfifo', [fifo]);
    await expect(readNifti(fifo)).rejects.toThrow(`${fifo}: not a regular file (a FIFO)`);
    await expect(readRegularFile(fifo, { name: 'x.nii.gz' })).rejects.toThrow('x.nii.gz: not a regular file');
  });

  it('a symlink to /dev/zero is refused, not read without end', async () => {
    const link = join(dir, 'zero.nii');
    await symlink('/dev/zero', link);
    await expect(readNifti(link)).rejects.toThrow(`${link}: not a regular file (a device)`);
  });

  it('a regular file is read whole', async () => {
    const file = join(dir, 'ok.nii');
    await writeFile(file, int16([4, 4, 4]));
    expect((await readNifti(file, { minExtent: MIN_SCAN_EXTENT })).shape).toEqual([4, 4, 4]);
  });
});

describe('memory bounded by the size the header claims, before inflating', () => {
  it('reads the claimed size from the first 4 KiB of a gzip', () => {
    expect(claimedNiftiSize(gzipSync(int16([8, 4, 2])))).toEqual({ bytes: 352 + 64 * 2, voxels: 64 });
    expect(claimedNiftiSize(gzipSync(claiming([1024, 1024, 500])))?.bytes).toBe(352 + 1024 * 1024 * 500 * 2);
    expect(claimedNiftiSize(gzipSync(new Uint8Array(4096)))).toBeUndefined();
  });

  it('a header claiming 1024x1024x500 int16 over the limit is refused before inflating', () => {
    const gz = gzipSync(claiming([1024, 1024, 500]));
    expect(() => decodeNifti(gz, { name: 'big.nii.gz', maxBytes: 256 * 1024 ** 2 })).toThrow(
      'big.nii.gz: header claims 1048576352 bytes of image, over the limit of 268435456 bytes',
    );
  });

  it('a gzip bomb behind a valid small header inflates no further than the header claims', () => {
    const bomb = gzipSync(Buffer.concat([int16([8, 4, 2]), new Uint8Array(20_000_000)]));
    expect(bomb.length).toBeLessThan(100_000);
    expect(() => decodeNifti(bomb, { name: 'bomb.nii.gz' })).toThrow(
      'bomb.nii.gz: gzip data is larger than the 480 bytes its header claims (wrong dims, or a gzip bomb)',
    );
  });
});

describe('degenerate volumes', () => {
  it.each([
    [[16, 16, 1], 'degenerate volume 16x16x1 (a 2D image)'],
    [[1, 1, 1], 'degenerate volume 1x1x1 (a single voxel)'],
    [[64, 2, 64], 'degenerate volume 64x2x64 (too small)'],
  ])('%j is refused with minExtent', (dims, message) => {
    const bytes = int16(dims as number[]);
    expect(() => decodeNifti(bytes, { name: 'd.nii', minExtent: MIN_SCAN_EXTENT })).toThrow(
      `d.nii: ${message}`,
    );
    expect(decodeNifti(bytes).shape).toEqual(dims);
  });
});
