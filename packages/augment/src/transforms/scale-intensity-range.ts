import type { Volume } from '@ct3d/core';
import { normalizeValue } from '@ct3d/preprocess';
import { deterministic, type TransformDef, withData } from './make.js';

export interface IntensityRange {
  a_min: number;
  a_max: number;
  b_min: number;
  b_max: number;
  clip: boolean;
}

/**
 * MONAI ScaleIntensityRange: (x - a_min) / (a_max - a_min) * (b_max - b_min) + b_min in float64, rounded to
 * float32, clipped to [b_min, b_max] when `clip`. Non-finite voxels become b_min. With b = [0, 1] and clip
 * this is the seed's HU window (preprocess's normalizeValue, bit for bit).
 */
export function scaleIntensityRange(v: Volume, r: IntensityRange): Volume {
  const { a_min, a_max, b_min, b_max, clip } = r;
  const src = v.data;
  const out = new Float32Array(src.length);
  if (clip && b_min === 0 && b_max === 1) {
    for (let n = 0; n < src.length; n++) out[n] = normalizeValue(src[n], a_min, a_max);
    return withData(v, out);
  }
  const scale = (b_max - b_min) / (a_max - a_min);
  const lo = Math.min(b_min, b_max);
  const hi = Math.max(b_min, b_max);
  for (let n = 0; n < src.length; n++) {
    const x = src[n];
    let y = (x - a_min) * scale + b_min;
    if (clip) y = Math.min(Math.max(y, lo), hi);
    out[n] = Number.isFinite(x) ? y : b_min;
  }
  return withData(v, out);
}

export const ScaleIntensityRange: TransformDef = {
  name: 'ScaleIntensityRange',
  create(p) {
    const a_min = p.number('a_min');
    const a_max = p.number('a_max');
    if (!(a_max > a_min)) p.fail('a_max', `must be greater than a_min (${a_min})`);
    const r = {
      a_min,
      a_max,
      b_min: p.number('b_min', 0),
      b_max: p.number('b_max', 1),
      clip: p.bool('clip', false),
    };
    return deterministic('ScaleIntensityRange', p.done(), (v) => scaleIntensityRange(v, r));
  },
};
