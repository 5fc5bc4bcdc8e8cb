import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Volume } from '@ct3d/core';
import * as nifti from 'nifti-reader-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qformAffine } from './affine.js';
import { NiftiError } from './index.js';
import { readNifti, writeNifti } from './node.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ct3d-io-write-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function lasVolume(): Volume {
  const shape: [number, number, number] = [7, 5, 3];
  const data = Float32Array.from({ length: 105 }, (_, i) => ((i * 37) % 2000) - 1000 + (i % 3) * 0.25);
  const affine = [
    [-0.7, 0, 0, 120.5],
    [0, 0.7, 0, -80.25],
    [0, 0, 8, 40],
    [0, 0, 0, 1],
  ];
  return { data, shape, spacing: [0.7, 0.7, 8], affine };
}

function expectAffineClose(actual: number[][], expected: number[][], digits = 5): void {
  for (let r = 0; r < 4; r++)
    for (let c = 0; c < 4; c++) expect(actual[r][c]).toBeCloseTo(expected[r][c], digits);
}

describe('writeNifti round trips', () => {
  it('float32 .nii keeps values, shape, spacing and the LAS affine (sform and qform)', async () => {
    const vol = lasVolume();
    const path = join(dir, 'las.nii');
    await writeNifti(vol, path);
    const bytes = await readFile(path);
    expect(bytes[0]).not.toBe(0x1f);
    const back = await readNifti(path);
    expect(back.datatype).toBe('float32');
    expect(back.shape).toEqual(vol.shape);
    expect(back.data).toEqual(vol.data);
    back.spacing.forEach((s, i) => {
      expect(s).toBeCloseTo(vol.spacing[i], 6);
    });
    expectAffineClose(back.affine, vol.affine);
    // MosMedData-style qform: qfac -1, quaternion (0, 1, 0), agreeing with the sform.
    expect(back.header.pixdim[0]).toBe(-1);
    expect(back.header.quatern.map((q) => Math.round(q * 1e6) / 1e6)).toEqual([0, 1, 0]);
    expect([back.header.qformCode, back.header.sformCode]).toEqual([1, 1]);
    expectAffineClose(qformAffine(back.header), vol.affine);
  });

  it('int16 .nii.gz rounds to integers and is gzip-compressed', async () => {
    const vol = lasVolume();
    const path = join(dir, 'las.nii.gz');
    await writeNifti(vol, path, { datatype: 'int16' });
    const bytes = await readFile(path);
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    const back = await readNifti(path);
    expect(back.datatype).toBe('int16');
    expect(Array.from(back.data)).toEqual(Array.from(vol.data, (v) => Math.round(v)));
    expectAffineClose(back.affine, vol.affine);
  });

  it('encodes an oblique, anisotropic affine in the qform too', async () => {
    const a = (30 * Math.PI) / 180;
    const [c, s] = [Math.cos(a), Math.sin(a)];
    const affine = [
      [c * 0.5, -s * 0.9, 0, 1],
      [s * 0.5, c * 0.9, 0, 2],
      [0, 0, -3, 3],
      [0, 0, 0, 1],
    ];
    const vol: Volume = { data: new Float32Array(24), shape: [2, 3, 4], spacing: [0.5, 0.9, 3], affine };
    const path = join(dir, 'oblique.nii');
    await writeNifti(vol, path);
    const back = await readNifti(path);
    expectAffineClose(back.affine, affine);
    expectAffineClose(qformAffine(back.header), affine);
    expect(back.spacing.map((x) => Number(x.toFixed(5)))).toEqual([0.5, 0.9, 3]);
  });

  it('writes a header the independent nifti-reader-js accepts', async () => {
    const path = join(dir, 'check.nii');
    await writeNifti(lasVolume(), path, { datatype: 'int16' });
    const b = await readFile(path);
    const ab = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
    expect(nifti.isNIFTI1(ab)).toBe(true);
    const h = nifti.readHeader(ab);
    expect(h.dims.slice(0, 4)).toEqual([3, 7, 5, 3]);
    expect(h.datatypeCode).toBe(4);
    expect(h.vox_offset).toBe(352);
    expect(new Int16Array(nifti.readImage(h, ab))[1]).toBe(-963);
  });
});

describe('writeNifti atomicity and errors', () => {
  it('leaves no temp files and replaces an existing file', async () => {
    const sub = await mkdtemp(join(dir, 'atomic-'));
    const path = join(sub, 'a.nii.gz');
    await writeNifti(lasVolume(), path);
    const vol2 = { ...lasVolume(), data: new Float32Array(105).fill(7) };
    await writeNifti(vol2, path);
    expect(await readdir(sub)).toEqual(['a.nii.gz']);
    expect((await readNifti(path)).data[50]).toBe(7);
  });

  it('fails with a NiftiError naming the path when the folder does not exist', async () => {
    const path = join(dir, 'no-such-dir', 'x.nii');
    await expect(writeNifti(lasVolume(), path)).rejects.toThrow(
      new NiftiError(path, 'cannot write file (ENOENT)'),
    );
  });

  it('refuses int16 values that do not fit rather than clamping them', async () => {
    const vol = { ...lasVolume(), data: new Float32Array(105).fill(40000) };
    await expect(writeNifti(vol, join(dir, 'big.nii'), { datatype: 'int16' })).rejects.toThrow(
      /does not fit int16/,
    );
    const nan = { ...lasVolume(), data: new Float32Array(105).fill(Number.NaN) };
    await expect(writeNifti(nan, join(dir, 'nan.nii'), { datatype: 'int16' })).rejects.toThrow(
      /does not fit int16/,
    );
  });

  it('refuses data whose length disagrees with the shape', async () => {
    const vol = { ...lasVolume(), data: new Float32Array(10) };
    await expect(writeNifti(vol, join(dir, 'short.nii'))).rejects.toThrow(
      /data has 10 values but shape 7x5x3 needs 105/,
    );
  });
});
