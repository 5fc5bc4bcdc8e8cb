import { rotate90 } from '@ct3d/preprocess';
import { describe, expect, it } from 'vitest';
import { goldenCase, goldenNames } from '../../test/transforms-golden.js';
import { invert } from './compose.js';
import { createTransform } from './registry.js';
import type { Transform } from './types.js';

describe('Rotate90', () => {
  for (const name of goldenNames('rot90-')) {
    it(`equals numpy rot90 on ${name}, with an exact inverse`, () => {
      const { c, input, expected } = goldenCase(name);
      const t = createTransform(c.transform, 't') as Transform;
      const out = t.apply(input);
      expect(out.shape).toEqual(c.shape);
      expect(out.data).toEqual(expected);
      expect(t.geometry?.(input)).toEqual({ shape: out.shape, spacing: out.spacing, affine: out.affine });
      const back = t.inverse?.(out, input);
      expect(back?.data).toEqual(input.data);
      expect(back?.affine).toEqual(input.affine);
    });
  }

  it("keep_size is the seed's scipy rotate(90, reshape=False), k 1 in (0, 1) only", () => {
    const { input } = goldenCase('rot90-k1-01');
    const t = createTransform({ name: 'Rotate90', keep_size: true }, 't') as Transform;
    const out = t.apply(input);
    expect(out.data).toEqual(rotate90(input).data);
    expect(t.geometry?.(input)).toEqual({ shape: out.shape, spacing: out.spacing, affine: out.affine });
    expect(() => invert([t], out, input)).toThrow(/invert: Rotate90 .*"keep_size":true.* has no inverse/);
    expect(() => createTransform({ name: 'Rotate90', k: 2, keep_size: true }, 'r')).toThrow(
      /r Rotate90: keep_size true needs k 1 and spatial_axes \[0, 1\]/,
    );
  });
});
