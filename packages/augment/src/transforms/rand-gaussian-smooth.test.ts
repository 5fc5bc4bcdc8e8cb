import { createRng } from '@ct3d/core';
import { describe, expect, it } from 'vitest';
import { goldenCase, goldenNames } from '../../test/transforms-golden.js';
import { gaussianSmooth } from './rand-gaussian-smooth.js';
import { createTransform } from './registry.js';

describe('RandGaussianSmooth', () => {
  for (const name of goldenNames('smooth-')) {
    it(`equals scipy gaussian_filter on ${name}`, () => {
      const { c, input, expected } = goldenCase(name);
      expect(gaussianSmooth(input, c.transform.sigma as number[]).data).toEqual(expected); // measured: exact
    });
  }

  it('draws sigma_x, sigma_y, sigma_z in that order', () => {
    const { input } = goldenCase('smooth-0.6-1.1-0.0');
    const t = createTransform({ name: 'RandGaussianSmooth', prob: 1, sigma_x: [0.5, 1], sigma_z: 0.7 }, 't');
    const r = createRng(2);
    const want = gaussianSmooth(input, [r.uniform(0.5, 1), r.uniform(0.25, 1.5), r.uniform(0.7, 0.7)]);
    expect(t.apply(input, createRng(2)).data).toEqual(want.data);
  });
});
