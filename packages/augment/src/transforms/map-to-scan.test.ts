import type { Volume } from '@ct3d/core';
import { modelToScan } from '@ct3d/preprocess';
import { describe, expect, it } from 'vitest';
import { mapToScan } from './map-to-scan.js';
import { composeStage, parseRecipe, seedRecipe } from './recipe.js';

const SIZE: [number, number, number] = [8, 8, 4];
const scan: Volume = {
  data: Float32Array.from({ length: 12 * 10 * 6 }, (_, i) => -1000 + ((i * 53) % 1400)),
  shape: [12, 10, 6],
  spacing: [0.8, 0.8, 2],
  affine: [
    [0.8, 0, 0, -5],
    [0, 0.8, 0, -4],
    [0, 0, 2, -6],
    [0, 0, 0, 1],
  ],
};
const preprocessOf = (steps: { name: string; [k: string]: unknown }[]) =>
  parseRecipe({ preprocess: steps }, 'test', { size: SIZE }).preprocess;
/** A map over the preprocessed scan: its grid and geometry, ones everywhere. */
const onesAfter = (preprocess: ReturnType<typeof preprocessOf>): Volume => {
  const v = composeStage({ preprocess }, 'preprocess').apply(scan);
  return { ...v, data: new Float32Array(v.data.length).fill(1) };
};

describe('mapToScan', () => {
  it("keeps modelToScan for the seed's spatial steps, whatever the window", () => {
    const want = (map: Volume) => modelToScan(map.data, scan.shape, scan.affine, { size: SIZE });
    const seed = seedRecipe(SIZE).preprocess;
    const map = onesAfter(seed);
    expect(mapToScan(seed, map, scan)).toEqual(want(map));
    const window = preprocessOf([
      { name: 'ScaleIntensityRange', a_min: -900, a_max: 100, b_min: -1, b_max: 1, clip: true },
      { name: 'Rotate90', keep_size: true },
      { name: 'Resize' },
    ]);
    expect(mapToScan(window, map, scan)).toEqual(want(map));
  });

  it("undoes other spatial steps (the seed's turn among them) onto the scan's grid", () => {
    const recipe = preprocessOf([
      { name: 'Spacing', pixdim: [1.6, 1.6, 2] },
      { name: 'Rotate90', keep_size: true },
      { name: 'Resize' },
    ]);
    const back = mapToScan(recipe, onesAfter(recipe), scan);
    expect(back).toHaveLength(scan.data.length);
    // The turn (12 x 10 resampled to 7 x 6) cut a column on each side in i; the rest comes back as ones.
    const at = (i: number, j: number, k: number) => back[i + 12 * (j + 10 * k)];
    expect(at(6, 5, 3)).toBeCloseTo(1, 6);
    expect(at(0, 5, 3)).toBe(0);
    expect(Math.min(...back)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...back)).toBeCloseTo(1, 6);
  });
});
