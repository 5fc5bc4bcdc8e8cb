import { describe, expect, it } from 'vitest';
import { goldenCases, maxAbsDiff, readF32 } from '../test/golden.js';
import { f32Volume, randomHU, volumeOf } from '../test/volumes.js';
import { resizeTrilinear } from './index.js';

describe('resizeTrilinear', () => {
  for (const c of goldenCases()) {
    const size: [number, number, number] = [c.target.width, c.target.height, c.target.depth];
    it(`matches scipy zoom(order=1) on ${c.name} ${c.input_shape.join('x')} -> ${size.join('x')}`, () => {
      const out = resizeTrilinear(f32Volume(c.rotated90, c.input_shape), size);
      expect(out.shape).toEqual(c.processed_shape);
      expect(maxAbsDiff(out.data, readF32(c.processed, out.data.length))).toBeLessThanOrEqual(1e-6);
    });
  }

  it('is the identity at the same size and interpolates linearly in between', () => {
    const v = randomHU([5, 4, 3], 1);
    expect(Array.from(resizeTrilinear(v, [5, 4, 3]).data)).toEqual(Array.from(v.data));
    const line = volumeOf(new Float32Array([0, 10, 20]), [3, 1, 1]);
    expect(Array.from(resizeTrilinear(line, [5, 1, 1]).data)).toEqual([0, 5, 10, 15, 20]);
  });

  it('scales spacing and affine so the corner voxels stay in place', () => {
    const v = randomHU([9, 5, 3], 2);
    v.spacing = [1, 2, 5];
    v.affine = [
      [1, 0, 0, -4],
      [0, 2, 0, 7],
      [0, 0, 5, 0],
      [0, 0, 0, 1],
    ];
    const out = resizeTrilinear(v, [5, 3, 6]);
    expect(out.spacing).toEqual([2, 4, 2]);
    expect(out.affine[0][3]).toBe(-4);
    expect(out.affine[1][1] * 2 + out.affine[1][3]).toBe(2 * 4 + 7); // last j voxel
  });

  it('rejects a bad target size', () => {
    expect(() => resizeTrilinear(randomHU([2, 2, 2], 1), [0, 2, 2])).toThrow(/invalid target size/);
  });
});
