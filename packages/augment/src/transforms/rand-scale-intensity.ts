import type { Volume } from '@ct3d/core';
import { mapVoxels } from './intensity.js';
import { randomly, type TransformDef } from './make.js';

/** MONAI ScaleIntensity by factor: x * (1 + factor). */
export function scaleIntensity(v: Volume, factor: number): Volume {
  return mapVoxels(v, (x) => x * (1 + factor));
}

/** MONAI RandScaleIntensity(factors, prob 0.1): factor drawn from [-f, f] (or the [lo, hi] given). */
export const RandScaleIntensity: TransformDef = {
  name: 'RandScaleIntensity',
  create(p) {
    const prob = p.prob();
    const [lo, hi] = p.range('factors', [-0.1, 0.1]);
    return randomly('RandScaleIntensity', p.done(), prob, (rng) => rng.uniform(lo, hi), scaleIntensity);
  },
};
