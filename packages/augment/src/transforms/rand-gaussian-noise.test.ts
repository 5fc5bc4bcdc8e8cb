import { createRng } from '@ct3d/core';
import { describe, expect, it } from 'vitest';
import { goldenCase, readF32 } from '../../test/transforms-golden.js';
import { addNoise, drawNoise } from './rand-gaussian-noise.js';
import { createTransform } from './registry.js';

describe('RandGaussianNoise', () => {
  it('adds the noise field like numpy (float64 sum, float32 result)', () => {
    const { c, input, expected } = goldenCase('noise');
    expect(addNoise(input, readF32(c.transform.noise as string)).data).toEqual(expected);
  });

  it('draws std from [0, std] then one N(mean, std) per voxel', () => {
    const { input } = goldenCase('noise');
    const t = createTransform({ name: 'RandGaussianNoise', prob: 1, mean: 0.1, std: 0.2 }, 't');
    const r = createRng(8);
    const want = addNoise(input, drawNoise(r, input.data.length, 0.1, r.uniform(0, 0.2)));
    expect(t.apply(input, createRng(8)).data).toEqual(want.data);
    const field = drawNoise(createRng(1), 20000, 0, 0.5);
    const mean = field.reduce((a, b) => a + b, 0) / field.length;
    const sd = Math.sqrt(field.reduce((a, b) => a + (b - mean) ** 2, 0) / field.length);
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(sd - 0.5)).toBeLessThan(0.02);
  });
});
