import type { Volume } from '@ct3d/core';
import { minMax } from './intensity.js';
import { randomly, type TransformDef, withData } from './make.js';

/** MONAI AdjustContrast: ((x - min) / (range + 1e-7)) ** gamma * range + min. */
export function adjustContrast(v: Volume, gamma: number): Volume {
  const [lo, hi] = minMax(v.data);
  const range = hi - lo;
  const src = v.data;
  const out = new Float32Array(src.length);
  const denominator = range + 1e-7;
  for (let n = 0; n < src.length; n++) out[n] = ((src[n] - lo) / denominator) ** gamma * range + lo;
  return withData(v, out);
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
