import { describe, expect, it } from 'vitest';
import { goldenCase, HALF_ULP_AT_1, maxAbsDiff, maxMatrixDiff } from '../../test/transforms-golden.js';
import { createTransform } from './registry.js';
import type { Transform } from './types.js';

describe('Resize', () => {
  it("equals scipy zoom(order=1) (the seed's resize), geometry and inverse affine included", () => {
    const { c, input, expected } = goldenCase('resize');
    const t = createTransform(c.transform, 't') as Transform;
    const out = t.apply(input);
    expect(out.shape).toEqual(c.shape);
    expect(maxAbsDiff(out.data, expected)).toBeLessThanOrEqual(HALF_ULP_AT_1); // measured 3e-8
    const g = t.geometry?.(input);
    expect(g?.shape).toEqual(out.shape);
    expect(maxMatrixDiff(g?.affine, out.affine)).toBeLessThan(1e-14);
    const back = t.inverse?.(out, input);
    expect(back?.shape).toEqual(input.shape);
    expect(maxMatrixDiff(back?.affine, input.affine)).toBeLessThan(1e-12);
  });
});
