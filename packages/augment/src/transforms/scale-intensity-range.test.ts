import { normalizeHU } from '@ct3d/preprocess';
import { describe, expect, it } from 'vitest';
import { goldenCase } from '../../test/transforms-golden.js';
import { createTransform } from './registry.js';

describe('ScaleIntensityRange', () => {
  for (const name of ['sir-seed', 'sir-signed']) {
    it(`equals numpy (float64, then float32) on ${name}`, () => {
      const { c, input, expected } = goldenCase(name);
      const out = createTransform(c.transform, 't').apply(input, undefined as never);
      expect(out.data).toEqual(expected); // bit for bit
    });
  }

  it("is the seed's normalizeHU with b 0..1 and clip, non-finite voxels -> b_min", () => {
    const { input } = goldenCase('sir-seed');
    input.data[0] = Number.NaN;
    input.data[1] = Number.POSITIVE_INFINITY;
    const t = createTransform({ name: 'ScaleIntensityRange', a_min: -1000, a_max: 400, clip: true }, 't');
    const out = t.apply(input, undefined as never);
    expect(out.data).toEqual(normalizeHU(input).data);
    expect([out.data[0], out.data[1]]).toEqual([0, 0]);
  });

  it('refuses a_max <= a_min', () => {
    expect(() =>
      createTransform({ name: 'ScaleIntensityRange', a_min: 5, a_max: 5 }, 'r.json: preprocess[0]'),
    ).toThrow('r.json: preprocess[0] ScaleIntensityRange: a_max must be greater than a_min (5), got 5');
  });
});
