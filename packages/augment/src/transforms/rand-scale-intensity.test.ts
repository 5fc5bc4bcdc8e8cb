import { createRng } from '@ct3d/core';
import { describe, expect, it } from 'vitest';
import { goldenCase } from '../../test/transforms-golden.js';
import { scaleIntensity } from './rand-scale-intensity.js';
import { createTransform } from './registry.js';

describe('RandScaleIntensity', () => {
  it('equals numpy x * (1 + factor)', () => {
    const { input, expected } = goldenCase('scale-intensity');
    expect(scaleIntensity(input, 0.15).data).toEqual(expected);
  });

  it('draws the factor from [-factors, factors]', () => {
    const { input } = goldenCase('scale-intensity');
    const t = createTransform({ name: 'RandScaleIntensity', prob: 1, factors: 0.3 }, 't');
    expect(t.apply(input, createRng(5)).data).toEqual(
      scaleIntensity(input, createRng(5).uniform(-0.3, 0.3)).data,
    );
  });
});
