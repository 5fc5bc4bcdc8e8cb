import { createRng } from '@ct3d/core';
import { describe, expect, it } from 'vitest';
import { goldenCase, HALF_ULP_AT_1, maxAbsDiff } from '../../test/transforms-golden.js';
import { type AffineParams, affineTransform } from './rand-affine.js';
import { createTransform } from './registry.js';

describe('RandAffine', () => {
  it('resamples rotation + scale + translation once, like scipy affine_transform(order=1)', () => {
    const { c, input, expected } = goldenCase('affine');
    const out = affineTransform(input, c.transform as unknown as AffineParams);
    expect(maxAbsDiff(out.data, expected)).toBeLessThanOrEqual(HALF_ULP_AT_1); // measured 0
    expect(out.shape).toEqual(input.shape);
  });

  it('draws rotate, scale, translate (axes 0, 1, 2 each) after the prob coin', () => {
    const { input } = goldenCase('affine');
    const ranges = { rotate_range: [5, 10, 15], scale_range: [0.1, 0.1, 0.2], translate_range: [2, 2, 1] };
    const t = createTransform({ name: 'RandAffine', prob: 0.9, ...ranges }, 't');
    const r = createRng(4);
    expect(r.next() < 0.9).toBe(true);
    const sym = (x: number) => r.uniform(-x, x);
    const want: AffineParams = {
      rotate: ranges.rotate_range.map(sym),
      scale: ranges.scale_range.map((s) => 1 + sym(s)),
      translate: ranges.translate_range.map(sym),
    };
    expect(t.apply(input, createRng(4)).data).toEqual(affineTransform(input, want).data);
  });
});
