import { describe, expect, it } from 'vitest';
import { goldenCase } from '../../test/transforms-golden.js';
import { axisCodes } from './orientation.js';
import { createTransform } from './registry.js';
import type { Transform } from './types.js';

describe('Orientation', () => {
  it("reads the axis codes and reorients to RAS like nibabel's apply_orientation, affine included", () => {
    const { c, input, expected } = goldenCase('orientation-ras');
    expect(axisCodes(input.affine)).toBe(c.codes);
    const t = createTransform(c.transform, 't') as Transform;
    const out = t.apply(input);
    expect(out.shape).toEqual(c.shape);
    expect(out.data).toEqual(expected);
    expect(out.affine).toEqual(c.out_affine);
    expect(axisCodes(out.affine)).toBe('RAS');
    const back = t.inverse?.(out, input);
    expect(back?.data).toEqual(input.data);
    expect(back?.affine).toEqual(input.affine);
  });

  it('refuses codes that do not name each world axis once', () => {
    expect(() => createTransform({ name: 'Orientation', axcodes: 'RRS' }, 'r')).toThrow(
      /r Orientation: axcodes must be 3 letters, one of each of R\/L, A\/P and S\/I/,
    );
  });
});
