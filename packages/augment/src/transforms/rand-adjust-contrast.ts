import type { Volume } from '@ct3d/core';
import { mapVoxels, minMax } from './intensity.js';
import { randomly, type TransformDef } from './make.js';

/** MONAI AdjustContrast: ((x - min) / (range + 1e-7)) ** gamma * range + min. */
export function adjustContrast(v: Volume, gamma: number): Volume {
  const [lo, hi] = minMax(v.data);
  const range = hi - lo;
  return mapVoxels(v, (x) => ((x - lo) / (range + 1e-7)) ** gamma * range + lo);
}

/** MONAI RandAdjustContrast(prob 0.1, gamma (0.5, 4.5)): gamma drawn uniformly from the range. */
export const RandAdjustContrast: TransformDef = {
  name: 'RandAdjustContrast',
  create(p) {
    const prob = p.prob();
    const [lo, hi] = p.range('gamma', [0.5, 4.5], false);
    if (!(lo > 0)) p.fail('gamma', 'must be positive');
    const draw = (rng: { uniform(a: number, b: number): number }) => rng.uniform(lo, hi);
    return randomly('RandAdjustContrast', p.done(), prob, draw, adjustContrast);
  },
};
