import type { Volume } from '@ct3d/core';
import { withData } from './make.js';

/** out = f(x) per voxel, computed in float64 and rounded to float32 once. */
export function mapVoxels(v: Volume, f: (x: number) => number): Volume {
  const src = v.data;
  const out = new Float32Array(src.length);
  for (let n = 0; n < src.length; n++) out[n] = f(src[n]);
  return withData(v, out);
}

export function minMax(data: Float32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let n = 0; n < data.length; n++) {
    const x = data[n];
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return [lo, hi];
}
