import type { Volume } from '@ct3d/core';
import { mapVoxels } from './intensity.js';
import { randomly, type TransformDef } from './make.js';

/** MONAI ShiftIntensity: x + offset. */
export function shiftIntensity(v: Volume, offset: number): Volume {
  return mapVoxels(v, (x) => x + offset);
}

/** MONAI RandShiftIntensity(offsets, prob 0.1): offset drawn from [-o, o] (or the [lo, hi] given). */
export const RandShiftIntensity: TransformDef = {
  name: 'RandShiftIntensity',
  create(p) {
    const prob = p.prob();
    const [lo, hi] = p.range('offsets', [-0.1, 0.1]);
    return randomly('RandShiftIntensity', p.done(), prob, (rng) => rng.uniform(lo, hi), shiftIntensity);
  },
};
