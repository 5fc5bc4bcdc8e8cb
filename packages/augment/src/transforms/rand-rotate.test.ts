import { createRng } from '@ct3d/core';
import { describe, expect, it } from 'vitest';
import { goldenCase, goldenNames } from '../../test/transforms-golden.js';
import { rotatePlane } from './rand-rotate.js';
import { createTransform } from './registry.js';

describe('RandRotate', () => {
  for (const name of goldenNames('rotate-')) {
    it(`rotates like scipy ndimage.rotate(reshape=False) on ${name}`, () => {
      const { c, input, expected } = goldenCase(name);
      const { degrees, axes, order } = c.transform as {
        degrees: number;
        axes: [number, number];
        order: 1 | 3;
      };
      const out = rotatePlane(input, { degrees, axes, order, clip: false });
      expect(out.data).toEqual(expected); // measured: bit for bit
    });
  }

  it('draws the angle from the range (after the prob coin) or picks it from angles', () => {
    const { input } = goldenCase('rotate-8-01-o3');
    const t = createTransform(
      { name: 'RandRotate', prob: 0.5, range: [-15, 15], spatial_axes: [1, 2], order: 1 },
      't',
    );
    for (const seed of [1, 2, 3, 4]) {
      const r = createRng(seed);
      const applied = r.next() < 0.5;
      const want = applied
        ? rotatePlane(input, { degrees: r.uniform(-15, 15), axes: [1, 2], order: 1, clip: false })
        : input;
      expect(t.apply(input, createRng(seed)).data).toEqual(want.data);
    }
    const pick = createTransform({ name: 'RandRotate', prob: 1, angles: [5, 10] }, 't');
    const r = createRng(9);
    expect(pick.apply(input, createRng(9)).data).toEqual(
      rotatePlane(input, { degrees: r.pick([5, 10]), axes: [0, 1], order: 3, clip: false }).data,
    );
  });
});
