import { createRng } from '@ct3d/core';
import { describe, expect, it } from 'vitest';
import { goldenCase } from '../../test/transforms-golden.js';
import { compose, invert } from './compose.js';
import { createTransform } from './registry.js';

const make = (entries: { name: string; [k: string]: unknown }[]) =>
  entries.map((e, i) => createTransform(e, `[${i}]`));

describe('compose / invert', () => {
  it('maps a chain of lossless spatial steps back onto the source grid exactly (intensity steps skipped)', () => {
    const { input } = goldenCase('orientation-ras');
    const steps = make([
      { name: 'Orientation', axcodes: 'RAS' },
      { name: 'Rotate90', k: 1, spatial_axes: [1, 2] },
      { name: 'ScaleIntensityRange', a_min: 0, a_max: 1, b_min: 0, b_max: 1 },
      { name: 'SpatialPad', spatial_size: [16, 14, 13] },
    ]);
    const out = compose(steps).apply(input);
    expect(out.shape).toEqual([16, 14, 13]);
    const back = invert(steps, out, input);
    expect(back.shape).toEqual(input.shape);
    expect(back.affine).toEqual(input.affine);
    expect(back.data).toEqual(input.data);
  });

  it('refuses random steps in invert and an apply without rng', () => {
    const { input } = goldenCase('flip-02');
    const steps = make([{ name: 'RandFlip', prob: 1 }]);
    expect(() => invert(steps, input, input)).toThrow('invert: RandFlip is random and has no inverse');
    expect(() => compose(steps).apply(input)).toThrow('RandFlip is random: compose(...).apply needs an rng');
    expect(compose(steps).random).toBe(true);
    expect(compose(steps).apply(input, createRng(1)).shape).toEqual(input.shape);
  });
});
