import { createRng } from '@ct3d/core';
import { describe, expect, it } from 'vitest';
import { goldenCase } from '../../test/transforms-golden.js';
import { createTransform } from './registry.js';
import { cropMap, remap } from './remap.js';
import type { Transform } from './types.js';

describe('CenterSpatialCrop / RandSpatialCrop / SpatialPad', () => {
  for (const name of ['center-crop', 'pad']) {
    it(`${name} equals numpy slicing / pad; the inverse restores the kept voxels and the affine`, () => {
      const { c, input, expected } = goldenCase(name);
      const t = createTransform(c.transform, 't') as Transform;
      const out = t.apply(input);
      expect(out.shape).toEqual(c.shape);
      expect(out.data).toEqual(expected);
      const back = t.inverse?.(out, input);
      expect(back?.affine).toEqual(input.affine);
      if (name === 'pad') expect(back?.data).toEqual(input.data); // padding is lossless
      if (name === 'center-crop') expect(t.apply(back ?? input).data).toEqual(out.data);
    });
  }

  it("RandSpatialCrop's core is numpy slicing; the start is drawn per axis from [0, n - roi]", () => {
    const { c, input, expected } = goldenCase('crop-at');
    const { start, size } = c.transform as { start: number[]; size: number[] };
    expect(remap(input, cropMap(start, size)).data).toEqual(expected);
    const t = createTransform({ name: 'RandSpatialCrop', roi_size: [5, 6, 4] }, 't');
    const r = createRng(11);
    const drawn = [12 - 5 + 1, 10 - 6 + 1, 8 - 4 + 1].map((n) => r.int(n));
    expect(t.apply(input, createRng(11)).data).toEqual(remap(input, cropMap(drawn, [5, 6, 4])).data);
  });
});
