import { gunzipSync } from 'node:zlib';
import { storedVoxels } from '@ct3d/core';
import * as nifti from 'nifti-reader-js';
import { describe, expect, it } from 'vitest';
import { FIXTURES_DIR, fixturePath, GOLDEN, REAL_CT, readF32Fixture, readFixture } from '../test/fixtures.js';
import { qformAffine } from './affine.js';
import { decodeNifti } from './index.js';
import { readNifti } from './node.js';

function range(data: Float32Array): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const v of data) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

/** The seed's normalisation, written out here so this package does not depend on @ct3d/preprocess. */
function normalizeLikeSeed(data: Float32Array): Float32Array {
  return data.map((v) => (Math.min(400, Math.max(-1000, v)) + 1000) / 1400);
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('readNifti on a real chest CT (LungPET-CT-Dx A0002, as MosMedData lays it out)', () => {
  it('reads shape, HU range, spacing and the LAS affine', async () => {
    const vol = await readNifti(fixturePath(REAL_CT));
    expect(vol.shape).toEqual([512, 512, 30]);
    expect(vol.datatype).toBe('int16');
    expect(vol.nonFinite).toBe(0);
    const [min, max] = range(vol.data);
    expect(min).toBeLessThanOrEqual(-1000);
    expect(min).toBeGreaterThanOrEqual(-3024);
    expect(max).toBeGreaterThan(1000);
    expect(vol.spacing[0]).toBeCloseTo(0.646, 3);
    expect(vol.spacing[1]).toBeCloseTo(0.646, 3);
    expect(vol.spacing[2]).toBe(8);
    expect(vol.header.pixdim[0]).toBe(-1);
    expect(vol.header.qformCode).toBe(1);
    expect(vol.header.sformCode).toBe(1);
    // nibabel's get_best_affine: the sform, whose first diagonal is negative (i runs to the patient's left).
    expect(vol.affine[0][0]).toBeCloseTo(-0.646484375, 9);
    expect(vol.affine[1][1]).toBeCloseTo(0.646484375, 9);
    expect(vol.affine[2][2]).toBe(8);
    expect(vol.affine[0][3]).toBeCloseTo(173.1767578125, 6);
    // Its qform (quaternion with qfac = pixdim[0] = -1) encodes the same affine.
    const q = qformAffine(vol.header);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) expect(q[r][c]).toBeCloseTo(vol.affine[r][c], 5);
  });

  it('gives the same voxels as the independent nifti-reader-js decoder', async () => {
    const raw = gunzipSync(readFixture(REAL_CT));
    const ab = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength);
    const header = nifti.readHeader(ab);
    const theirs = new Int16Array(nifti.readImage(header, ab));
    const ours = decodeNifti(raw, { name: REAL_CT });
    expect(header.dims.slice(1, 4)).toEqual(ours.shape);
    expect(ours.data.length).toBe(theirs.length);
    let mismatches = 0;
    for (let i = 0; i < theirs.length; i++) if (ours.data[i] !== theirs[i]) mismatches++;
    expect(mismatches).toBe(0);
  });
});

describe('golden inputs (nibabel get_fdata, then the seed HU window -1000..400 -> 0..1)', () => {
  for (const g of GOLDEN) {
    it(`${g.input} decodes to the golden normalised volume within 1e-6`, async () => {
      const vol = await readNifti(fixturePath(g.input));
      expect(vol.shape).toEqual(g.shape);
      expect(vol.datatype).toBe(g.datatype);
      const golden = readF32Fixture(`${g.name}.normalized.f32`);
      expect(vol.data.length).toBe(golden.length);
      expect(maxAbsDiff(normalizeLikeSeed(vol.data), golden)).toBeLessThanOrEqual(1e-6);
    });
  }

  it('applies scl_slope/scl_inter (uint8_scaled: slope 10, inter -1024)', async () => {
    const vol = await readNifti(fixturePath('uint8_scaled.nii.gz'));
    expect(vol.header.sclSlope).toBe(10);
    expect(vol.header.sclInter).toBe(-1024);
    const [min, max] = range(vol.data);
    expect(min).toBeGreaterThanOrEqual(-1024);
    expect(max).toBeLessThanOrEqual(255 * 10 - 1024);
    for (const v of vol.data.subarray(0, 100)) expect((v + 1024) % 10).toBe(0);
  });

  it('reads big-endian files (int16_bigendian)', async () => {
    const vol = await readNifti(fixturePath('int16_bigendian.nii.gz'));
    expect(vol.header.littleEndian).toBe(false);
    expect(vol.spacing.map((s) => Number(s.toFixed(4)))).toEqual([0.9, 0.9, 4]);
    const [min, max] = range(vol.data);
    expect(min).toBeGreaterThanOrEqual(-3024);
    expect(max).toBeLessThanOrEqual(4000);
  });

  it('accepts bytes in memory, gzip or not, and names them in errors', async () => {
    const gz = readFixture('int16.nii.gz');
    const a = await readNifti(gz);
    const b = decodeNifti(gunzipSync(gz));
    expect(Buffer.from(a.data.buffer).equals(Buffer.from(b.data.buffer))).toBe(true);
    // Inflated int16 keeps its stored voxels (float32 made on first read); plain bytes are converted at once.
    expect(storedVoxels(a)).toBeInstanceOf(Int16Array);
    expect(Array.from(storedVoxels(a) ?? [])).toEqual(Array.from(b.data));
    expect(storedVoxels(b)).toBeUndefined();
    expect(storedVoxels(decodeNifti(readFixture('uint8_scaled.nii.gz')))).toBeUndefined();
    expect(() => decodeNifti(gz.subarray(0, 10), { name: 'scan.nii.gz' })).toThrow(/^scan\.nii\.gz: /);
  });
});

describe('fixtures', () => {
  it('fail loudly (never skip) when a fixture is missing', () => {
    expect(() => fixturePath('no-such-fixture.nii.gz')).toThrow(
      `missing test fixture ${FIXTURES_DIR}/no-such-fixture.nii.gz`,
    );
  });
});
