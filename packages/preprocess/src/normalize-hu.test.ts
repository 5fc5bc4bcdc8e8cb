import { describe, expect, it } from 'vitest';
import { goldenCases, maxAbsDiff, readF32 } from '../test/golden.js';
import { goldenInput, volumeOf } from '../test/volumes.js';
import { normalizeHU } from './index.js';

describe('normalizeHU', () => {
  for (const c of goldenCases()) {
    it(`matches the seed's numpy normalize on ${c.name}`, () => {
      const v = goldenInput(c.input);
      expect(v.shape).toEqual(c.input_shape);
      const out = normalizeHU(v);
      const diff = maxAbsDiff(out.data, readF32(c.normalized, out.data.length));
      expect(diff).toBeLessThanOrEqual(1e-6);
    });
  }

  it('clips to the window, maps non-finite voxels to 0 and keeps geometry', () => {
    const v = volumeOf(
      new Float32Array([
        -2000,
        -1000,
        -300,
        400,
        900,
        Number.NaN,
        Number.POSITIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
      ]),
      [2, 2, 2],
    );
    v.spacing = [0.5, 0.7, 5];
    const out = normalizeHU(v);
    expect(Array.from(out.data)).toEqual([0, 0, Math.fround(0.5), 1, 1, 0, 0, 0]);
    expect(out.spacing).toEqual([0.5, 0.7, 5]);
    expect(out.data).not.toBe(v.data);
  });

  it('honours a custom window and rejects an empty one', () => {
    const v = volumeOf(new Float32Array([0, 50, 100, 200]), [4, 1, 1]);
    expect(Array.from(normalizeHU(v, { min: 0, max: 100 }).data)).toEqual([0, 0.5, 1, 1]);
    expect(() => normalizeHU(v, { min: 10, max: 10 })).toThrow(/invalid HU window/);
  });

  it('rejects data whose length does not match the shape', () => {
    expect(() => normalizeHU(volumeOf(new Float32Array(7), [2, 2, 2]))).toThrow(/does not match shape/);
  });
});
