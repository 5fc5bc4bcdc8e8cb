import { createRng } from '@ct3d/core';
import { describe, expect, it } from 'vitest';
import { goldenCase } from '../../test/transforms-golden.js';
import { adjustContrast } from './rand-adjust-contrast.js';
import { createTransform } from './registry.js';

describe('RandAdjustContrast', () => {
  it("equals MONAI's gamma formula in numpy float64", () => {
    const { input, expected } = goldenCase('contrast');
    expect(adjustContrast(input, 1.7).data).toEqual(expected);
  });

  it('draws gamma from the range after the prob coin', () => {
    const { input } = goldenCase('contrast');
    const t = createTransform({ name: 'RandAdjustContrast', prob: 0.999, gamma: [0.7, 1.5] }, 't');
    const r = createRng(6);
    r.next();
    expect(t.apply(input, createRng(6)).data).toEqual(adjustContrast(input, r.uniform(0.7, 1.5)).data);
    expect(() => createTransform({ name: 'RandAdjustContrast', gamma: [0, 1] }, 'r')).toThrow(
      /gamma must be positive/,
    );
  });
});
