import type { Volume } from '@ct3d/core';
import { randomly, type TransformDef, withData } from './make.js';

/** MONAI ScaleIntensity by factor: x * (1 + factor). */
export function scaleIntensity(v: Volume, factor: number): Volume {
  const f = 1 + factor;
  const src = v.data;
  const out = new Float32Array(src.length);
  for (let n = 0; n < src.length; n++) out[n] = src[n] * f;
  return withData(v, out);
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
