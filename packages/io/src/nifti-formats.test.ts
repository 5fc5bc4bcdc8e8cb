import { describe, expect, it } from 'vitest';
import { buildNifti, type RawNiftiSpec } from '../test/nifti-builders.js';
import { decodeNifti, describeNonFinite } from './index.js';

const SAMPLES: Record<Exclude<RawNiftiSpec['datatype'], 'rgb24'>, number[]> = {
  uint8: [0, 1, 127, 128, 200, 255],
  int8: [-128, -1, 0, 1, 100, 127],
  int16: [-32768, -1024, -1, 0, 1200, 32767],
  uint16: [0, 1, 1000, 32768, 50000, 65535],
  int32: [-2147483648, -70000, -1, 0, 70000, 2147483647],
  uint32: [0, 1, 70000, 2147483648, 3000000000, 4294967295],
  float32: [-1024.5, -0.25, 0, 1e-6, 3.5, 1e30],
  float64: [-3024.125, -1e-300, 0, 0.1, 1e10, 123456.789],
};

describe('datatypes, byte orders and NIfTI versions', () => {
  for (const version of [1, 2] as const) {
    for (const littleEndian of [true, false]) {
      for (const [datatype, values] of Object.entries(SAMPLES)) {
        const label = `NIfTI-${version} ${littleEndian ? 'little' : 'big'}-endian ${datatype}`;
        it(label, () => {
          const bytes = buildNifti({
            version,
            littleEndian,
            datatype: datatype as RawNiftiSpec['datatype'],
            dims: [3, 2, 1],
            values,
            pixdim: [1, 0.5, 0.75, 8, 1, 1, 1, 1],
          });
          const vol = decodeNifti(bytes, { name: label });
          expect(vol.datatype).toBe(datatype);
          expect(vol.shape).toEqual([3, 2, 1]);
          expect(vol.spacing).toEqual([0.5, 0.75, 8]);
          expect(vol.header.version).toBe(version);
          expect(vol.header.littleEndian).toBe(littleEndian);
          expect(Array.from(vol.data)).toEqual(values.map((v) => Math.fround(v)));
        });
      }
    }
  }

  it('reads voxels at an unaligned vox_offset and from an unaligned byte view', () => {
    const values = [1.5, -2.25, 3, 4e6, -5, 6];
    const bytes = buildNifti({ datatype: 'float32', dims: [6], values, voxOffset: 355 });
    expect(Array.from(decodeNifti(bytes).data)).toEqual(values);
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    expect(Array.from(decodeNifti(shifted.subarray(1)).data)).toEqual(values);
  });

  it('reads 1D and 2D images as [n, 1, 1] and [nx, ny, 1]', () => {
    expect(decodeNifti(buildNifti({ datatype: 'uint8', dims: [4], values: [1, 2, 3, 4] })).shape).toEqual([
      4, 1, 1,
    ]);
    expect(decodeNifti(buildNifti({ datatype: 'uint8', dims: [2, 2], values: [1, 2, 3, 4] })).shape).toEqual([
      2, 2, 1,
    ]);
  });
});

describe('scl_slope / scl_inter, as nibabel applies them', () => {
  const decode = (sclSlope: number, sclInter: number, version: 1 | 2 = 1) =>
    Array.from(
      decodeNifti(
        buildNifti({ version, datatype: 'int16', dims: [3], values: [-2, 0, 5], sclSlope, sclInter }),
      ).data,
    );

  it('scales when the slope is finite and non-zero', () => {
    expect(decode(2, -5)).toEqual([-9, -5, 5]);
    expect(decode(0.5, 0, 2)).toEqual([-1, 0, 2.5]);
  });
  it('treats slope 0 or NaN (MosMedData) as no scaling, intercept included', () => {
    expect(decode(0, 100)).toEqual([-2, 0, 5]);
    expect(decode(Number.NaN, 100)).toEqual([-2, 0, 5]);
    expect(decode(Number.POSITIVE_INFINITY, 0)).toEqual([-2, 0, 5]);
  });
  it('treats a NaN intercept as 0 when the slope is valid', () => {
    expect(decode(3, Number.NaN)).toEqual([-6, 0, 15]);
  });
});

describe('non-finite voxels', () => {
  it('keeps NaN/Inf, counts them and describes them in one line', () => {
    const values = [0, Number.NaN, Number.POSITIVE_INFINITY, -5, Number.NEGATIVE_INFINITY, 1];
    const vol = decodeNifti(buildNifti({ datatype: 'float32', dims: [6], values }), { name: 'nan.nii' });
    expect(vol.nonFinite).toBe(3);
    expect(Number.isNaN(vol.data[1])).toBe(true);
    expect(vol.data[2]).toBe(Number.POSITIVE_INFINITY);
    const line = describeNonFinite(vol, 'nan.nii');
    expect(line).toMatch(/^nan\.nii: 3 non-finite voxels \(NaN\/Inf, 50% of 6\)/);
    expect(line).not.toContain('\n');
  });
  it('counts float64 values that overflow float32 as non-finite', () => {
    const vol = decodeNifti(buildNifti({ datatype: 'float64', dims: [2], values: [1e300, 1] }));
    expect(vol.nonFinite).toBe(1);
  });
  it.each<[string, RawNiftiSpec, number, number]>([
    [
      'all NaN',
      { datatype: 'float32', dims: [4], values: [Number.NaN, Number.NaN, Number.NaN, Number.NaN] },
      4,
      100,
    ],
    ['one Inf', { datatype: 'float32', dims: [4], values: [0, Number.POSITIVE_INFINITY, 1, 2] }, 1, 25],
    // int16 x 1e38 overflows float32: the slope makes finite stored values infinite.
    ['a huge scl_slope', { datatype: 'int16', dims: [4], values: [0, 100, -100, 7], sclSlope: 1e38 }, 3, 75],
  ])('requireFinite refuses %s in one line naming the file and the count', (_, spec, n, pct) => {
    const bytes = buildNifti(spec);
    expect(decodeNifti(bytes, { name: 'scan.nii' }).nonFinite).toBe(n);
    expect(() => decodeNifti(bytes, { name: 'scan.nii', requireFinite: true })).toThrow(
      new RegExp(
        `^scan\\.nii: ${n} non-finite voxels \\(NaN/Inf, ${pct}% of 4\\); refused: a prediction from them would mean nothing$`,
      ),
    );
  });
  it('says nothing for finite volumes', () => {
    const vol = decodeNifti(buildNifti({ datatype: 'int16', dims: [2], values: [1, 2] }));
    expect(vol.nonFinite).toBe(0);
    expect(describeNonFinite(vol)).toBeUndefined();
  });
});

describe('affine selection (nibabel get_best_affine)', () => {
  const base = { datatype: 'int16' as const, dims: [4, 6, 5], values: Array(120).fill(0) };
  const pixdim = [-1, 0.7, 0.8, 8, 1, 1, 1, 1];
  const srow = [
    [-0.7, 0, 0, 10],
    [0, 0.8, 0, -20],
    [0, 0, 8, 30],
  ];

  it('uses the sform when sform_code > 0', () => {
    const vol = decodeNifti(buildNifti({ ...base, pixdim, sformCode: 1, qformCode: 1, srow }));
    expect(vol.affine).toEqual([...srow.map((r) => r.map(Math.fround)), [0, 0, 0, 1]]);
  });

  it('uses the qform (qfac = pixdim[0] = -1 flips k) when only it is coded', () => {
    const vol = decodeNifti(
      buildNifti({ ...base, pixdim, sformCode: 0, qformCode: 1, quatern: [0, 1, 0], qoffset: [10, -20, 30] }),
    );
    const expected = [
      [-0.7, 0, 0, 10],
      [0, 0.8, 0, -20],
      [0, 0, 8, 30],
    ];
    for (let r = 0; r < 3; r++)
      for (let c = 0; c < 4; c++) expect(vol.affine[r][c]).toBeCloseTo(expected[r][c], 6);
  });

  it('treats qfac 0 as 1, as nibabel does', () => {
    const vol = decodeNifti(
      buildNifti({
        ...base,
        pixdim: [0, 1, 1, 2, 1, 1, 1, 1],
        sformCode: 0,
        qformCode: 1,
        quatern: [0, 0, 0],
      }),
    );
    expect(vol.affine[2][2]).toBe(2);
  });

  it('rotates with the quaternion (90 degrees about z)', () => {
    const s = Math.SQRT1_2;
    const vol = decodeNifti(
      buildNifti({
        ...base,
        pixdim: [1, 2, 3, 4, 1, 1, 1, 1],
        sformCode: 0,
        qformCode: 2,
        quatern: [0, 0, s],
      }),
    );
    // R = [[0,-1,0],[1,0,0],[0,0,1]] times diag(2,3,4).
    const expected = [
      [0, -3, 0],
      [2, 0, 0],
      [0, 0, 4],
    ];
    for (let r = 0; r < 3; r++)
      for (let c = 0; c < 3; c++) expect(vol.affine[r][c]).toBeCloseTo(expected[r][c], 5);
  });

  it("falls back to nibabel's base affine (x flipped, centred) when neither is coded", () => {
    const vol = decodeNifti(
      buildNifti({ ...base, pixdim: [1, 0.5, 2, 4, 1, 1, 1, 1], sformCode: 0, qformCode: 0 }),
    );
    expect(vol.affine).toEqual([
      [-0.5, 0, 0, 0.75],
      [0, 2, 0, -5],
      [0, 0, 4, -8],
      [0, 0, 0, 1],
    ]);
  });
});
