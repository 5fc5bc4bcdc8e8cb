import { createRng } from '@ct3d/core';
import { describe, expect, it } from 'vitest';
import { goldenCase, HALF_ULP_AT_1, maxAbsDiff, maxMatrixDiff } from '../../test/transforms-golden.js';
import { zoomKeepSize } from './rand-zoom.js';
import { createTransform } from './registry.js';

describe('RandZoom', () => {
  it('zooms about the centre keeping the shape, like scipy affine_transform(diag(1 / z), order=1)', () => {
    const { input, expected } = goldenCase('zoom');
    const out = zoomKeepSize(input, 1.2);
    expect(maxAbsDiff(out.data, expected)).toBeLessThanOrEqual(HALF_ULP_AT_1); // measured 6e-8
    expect(maxMatrixDiff([out.spacing], [[1 / 1.2, 1 / 1.2, 1 / 1.2]])).toBeLessThan(1e-14);
  });

  it('draws the factor from [min_zoom, max_zoom]', () => {
    const { input } = goldenCase('zoom');
    const t = createTransform({ name: 'RandZoom', prob: 1, min_zoom: 0.8, max_zoom: 1.3 }, 't');
    expect(t.apply(input, createRng(3)).data).toEqual(
      zoomKeepSize(input, createRng(3).uniform(0.8, 1.3)).data,
    );
    expect(() => createTransform({ name: 'RandZoom', keep_size: false }, 'r')).toThrow(
      /keep_size false is not supported/,
    );
  });
});
