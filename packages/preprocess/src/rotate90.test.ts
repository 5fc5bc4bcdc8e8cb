import { describe, expect, it } from 'vitest';
import { fixtureBytes, goldenCases, maxAbsDiff, readF32 } from '../test/golden.js';
import { f32Volume, randomHU } from '../test/volumes.js';
import { normalizeHU, rotate90 } from './index.js';

interface ExtraCase {
  name: string;
  input_shape: [number, number, number];
  target: [number, number, number];
}
const extra = (JSON.parse(fixtureBytes('extra.json').toString('utf8')) as { cases: ExtraCase[] }).cases;

describe('rotate90', () => {
  for (const c of goldenCases()) {
    it(`matches scipy rotate(90, reshape=False) on ${c.name} ${c.input_shape.join('x')}`, () => {
      const out = rotate90(f32Volume(c.normalized, c.input_shape));
      expect(out.shape).toEqual(c.input_shape);
      expect(maxAbsDiff(out.data, readF32(c.rotated90, out.data.length))).toBeLessThanOrEqual(1e-6);
    });
  }

  for (const c of extra) {
    it(`matches scipy on ${c.name} ${c.input_shape.join('x')} (odd nx - ny interpolates)`, () => {
      const out = rotate90(normalizeHU(f32Volume(`${c.name}.input.f32`, c.input_shape)));
      expect(maxAbsDiff(out.data, readF32(`${c.name}.rotated90.f32`, out.data.length))).toBeLessThanOrEqual(
        1e-5,
      );
    });
  }

  it('turns a square slice a quarter turn and its affine follows the voxels', () => {
    const v = randomHU([4, 4, 2], 3);
    v.affine = [
      [2, 0, 0, 10],
      [0, 3, 0, 20],
      [0, 0, 4, 30],
      [0, 0, 0, 1],
    ];
    v.spacing = [2, 3, 4];
    const out = rotate90(v);
    // out[o0, o1, k] = in[o1, 3 - o0, k]
    expect(out.data[1 + 4 * 2 + 16]).toBe(v.data[2 + 4 * 2 + 16]);
    const world = (a: number[][], p: number[]) =>
      a.map((r) => r[0] * p[0] + r[1] * p[1] + r[2] * p[2] + r[3]);
    expect(world(out.affine, [1, 2, 1])).toEqual(world(v.affine, [2, 2, 1]));
    expect(out.spacing).toEqual([3, 2, 4]);
  });
});
