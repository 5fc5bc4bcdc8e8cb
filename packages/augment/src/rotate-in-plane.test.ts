import { describe, expect, it } from 'vitest';
import { augmentCases, maxAbsDiff, randomUnit, volumeOf } from '../test/golden.js';
import { rotateInPlane } from './index.js';

describe('rotateInPlane', () => {
  for (const c of augmentCases()) {
    for (const a of c.outputs) {
      it(`matches scipy rotate(${a.angle}, order=${a.order}) + clip on ${c.name} ${c.input.shape.join('x')}`, () => {
        const out = rotateInPlane(c.input, a.angle, { order: a.order });
        expect(out.shape).toEqual(c.input.shape);
        expect(maxAbsDiff(out.data, a.data)).toBeLessThanOrEqual(1e-6);
      });
    }
  }

  it('defaults to cubic', () => {
    const v = randomUnit([12, 10, 2], 5);
    expect(rotateInPlane(v, 10).data).toEqual(rotateInPlane(v, 10, { order: 3 }).data);
    expect(rotateInPlane(v, 10).data).not.toEqual(rotateInPlane(v, 10, { order: 1 }).data);
  });

  it('is the identity at 0 degrees and a voxel permutation at 90', () => {
    const v = randomUnit([6, 6, 3], 9);
    expect(maxAbsDiff(rotateInPlane(v, 0).data, v.data)).toBeLessThan(1e-6);
    const r = rotateInPlane(v, 90, { order: 1 });
    // scipy rotate(90): out[o0, o1] = in[o1, 5 - o0]
    expect(r.data[2 + 6 * 4 + 36]).toBeCloseTo(v.data[4 + 6 * 3 + 36], 6);
  });

  it('rotates each slice alone, fills corners with 0 and clips to [0, 1]', () => {
    const ones = volumeOf(new Float32Array(16 * 16 * 2).fill(1), [16, 16, 2]);
    const r = rotateInPlane(ones, 20);
    expect(r.data[0]).toBe(0); // corner samples outside the input
    expect(Math.max(...r.data)).toBe(1);
    expect(Math.min(...r.data)).toBe(0);
    expect(Array.from(r.data.subarray(0, 256))).toEqual(Array.from(r.data.subarray(256)));
  });

  it('composes the affine with the voxel rotation and keeps spacing', () => {
    const v = randomUnit([8, 8, 1], 2);
    v.spacing = [0.8, 0.8, 3];
    const r = rotateInPlane(v, 10);
    expect(r.spacing).toEqual([0.8, 0.8, 3]);
    // The rotation centre (3.5, 3.5) maps to itself.
    const m = r.affine;
    expect(m[0][0] * 3.5 + m[0][1] * 3.5 + m[0][3]).toBeCloseTo(3.5, 12);
    expect(m[1][0] * 3.5 + m[1][1] * 3.5 + m[1][3]).toBeCloseTo(3.5, 12);
  });

  it('rejects bad orders, angles and shapes', () => {
    const v = randomUnit([4, 4, 1], 1);
    expect(() => rotateInPlane(v, 5, { order: 2 as 3 })).toThrow(/unsupported spline order 2/);
    expect(() => rotateInPlane(v, Number.NaN)).toThrow(/angle must be finite/);
    expect(() => rotateInPlane(volumeOf(new Float32Array(3), [2, 2, 1]), 5)).toThrow(/does not match shape/);
  });
});
