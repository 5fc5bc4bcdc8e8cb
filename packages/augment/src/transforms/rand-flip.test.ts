import { createRng } from '@ct3d/core';
import { describe, expect, it } from 'vitest';
import { goldenCase } from '../../test/transforms-golden.js';
import { createTransform } from './registry.js';
import type { Transform } from './types.js';

describe('Flip / RandFlip', () => {
  it('flips like numpy flip, is lossless and its own inverse', () => {
    const { c, input, expected } = goldenCase('flip-02');
    const t = createTransform(c.transform, 't') as Transform;
    const out = t.apply(input);
    expect(out.data).toEqual(expected);
    // Voxel 0 of the output is input voxel (11, 0, 7): its world position is kept.
    expect(out.affine.map((row) => row[3])).toEqual([11, 0, 7, 1]);
    expect(t.inverse?.(out, input)).toEqual(input);
  });

  it('RandFlip flips with probability prob, the coin from the rng', () => {
    const { input, expected } = goldenCase('flip-02');
    const t = createTransform({ name: 'RandFlip', prob: 0.5, spatial_axis: [0, 2] }, 't');
    let flips = 0;
    for (let seed = 0; seed < 40; seed++) {
      const flipped = createRng(seed).next() < 0.5;
      const out = t.apply(input, createRng(seed));
      expect(out.data).toEqual(flipped ? expected : input.data);
      flips += flipped ? 1 : 0;
    }
    expect(flips).toBeGreaterThan(10);
    expect(flips).toBeLessThan(30);
  });
});
