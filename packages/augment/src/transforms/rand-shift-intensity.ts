import type { Volume } from '@ct3d/core';
import { randomly, type TransformDef, withData } from './make.js';

/** MONAI ShiftIntensity: x + offset. */
export function shiftIntensity(v: Volume, offset: number): Volume {
  const src = v.data;
  const out = new Float32Array(src.length);
  for (let n = 0; n < src.length; n++) out[n] = src[n] + offset;
  return withData(v, out);
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
