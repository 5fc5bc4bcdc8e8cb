import { createRng } from '@ct3d/core';
import { describe, expect, it } from 'vitest';
import { goldenCase } from '../../test/transforms-golden.js';
import { shiftIntensity } from './rand-shift-intensity.js';
import { createTransform } from './registry.js';

describe('RandShiftIntensity', () => {
  it('equals numpy x + offset', () => {
    const { input, expected } = goldenCase('shift-intensity');
    expect(shiftIntensity(input, -0.2).data).toEqual(expected);
  });

  it('draws the offset from [lo, hi]', () => {
    const { input } = goldenCase('shift-intensity');
    const t = createTransform({ name: 'RandShiftIntensity', prob: 1, offsets: [-0.1, 0.3] }, 't');
    expect(t.apply(input, createRng(5)).data).toEqual(
      shiftIntensity(input, createRng(5).uniform(-0.1, 0.3)).data,
    );
  });
});
