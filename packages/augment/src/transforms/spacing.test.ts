import { describe, expect, it } from 'vitest';
import { goldenCase, HALF_ULP_AT_1, maxAbsDiff, maxMatrixDiff } from '../../test/transforms-golden.js';
import { createTransform } from './registry.js';
import type { Transform } from './types.js';

describe('Spacing', () => {
  it('resamples to pixdim like scipy affine_transform(order=1), spacing and affine updated', () => {
    const { c, input, expected } = goldenCase('spacing');
    const t = createTransform(c.transform, 't') as Transform;
    const out = t.apply(input);
    expect(out.shape).toEqual(c.shape);
    expect(maxAbsDiff(out.data, expected)).toBeLessThanOrEqual(HALF_ULP_AT_1); // measured 0
    expect(maxMatrixDiff([out.spacing], [[1.5, 0.75, 2.5]])).toBeLessThan(1e-14);
    expect(t.geometry?.(input).shape).toEqual(out.shape);
    const back = t.inverse?.(out, input);
    expect(back?.shape).toEqual(input.shape);
    expect(maxMatrixDiff(back?.affine, input.affine)).toBeLessThan(1e-12);
  });
});
