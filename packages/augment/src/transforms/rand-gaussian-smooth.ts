import type { Rng, Volume } from '@ct3d/core';
import { randomly, type TransformDef, withData } from './make.js';

/** scipy's sampled Gaussian: radius int(4 sigma + 0.5), weights exp(-x^2 / 2 sigma^2) summing to 1. */
function kernel(sigma: number): Float64Array {
  const radius = Math.trunc(4 * sigma + 0.5);
  const w = new Float64Array(radius + 1);
  let sum = 0;
  for (let x = -radius; x <= radius; x++) sum += Math.exp((-0.5 / (sigma * sigma)) * x * x);
  for (let x = 0; x <= radius; x++) w[x] = Math.exp((-0.5 / (sigma * sigma)) * x * x) / sum;
  return w;
}

/** scipy mode 'reflect' (d c b a | a b c d | d c b a). */
function reflect(i: number, n: number): number {
  const period = 2 * n;
  let j = ((i % period) + period) % period;
  if (j >= n) j = period - 1 - j;
  return j;
}

/** One symmetric 1D correlation along `axis`, summed like scipy's NI_Correlate1D, rounded to float32. */
function smoothAxis(
  src: Float32Array,
  shape: readonly number[],
  axis: number,
  w: Float64Array,
): Float32Array {
  const n = shape[axis];
  const stride = axis === 0 ? 1 : axis === 1 ? shape[0] : shape[0] * shape[1];
  const r = w.length - 1;
  const line = new Float64Array(n + 2 * r);
  const out = new Float32Array(src.length);
  const lines = src.length / n;
  for (let l = 0; l < lines; l++) {
    // Start of line l: lines run over the other two axes.
    const base = (l % stride) + Math.floor(l / stride) * stride * n;
    for (let i = -r; i < n + r; i++) line[i + r] = src[base + reflect(i, n) * stride];
    for (let i = 0; i < n; i++) {
      const c = i + r;
      let t = line[c] * w[0];
      for (let j = r; j >= 1; j--) t += (line[c - j] + line[c + j]) * w[j];
      out[base + i * stride] = t;
    }
  }
  return out;
}

/** scipy `ndimage.gaussian_filter(v, sigma, mode='reflect', truncate=4)`; axes with sigma ~ 0 are skipped. */
export function gaussianSmooth(v: Volume, sigma: readonly number[]): Volume {
  let data = v.data;
  for (let a = 0; a < 3; a++) if (sigma[a] > 1e-15) data = smoothAxis(data, v.shape, a, kernel(sigma[a]));
  return withData(v, data === v.data ? data.slice() : data);
}

/** MONAI RandGaussianSmooth(sigma_x, sigma_y, sigma_z = (0.25, 1.5), prob 0.1): each sigma drawn uniformly. */
export const RandGaussianSmooth: TransformDef = {
  name: 'RandGaussianSmooth',
  create(p) {
    const prob = p.prob();
    const ranges = ['sigma_x', 'sigma_y', 'sigma_z'].map((s) => p.range(s, [0.25, 1.5], false));
    if (ranges.some(([lo]) => lo < 0)) p.fail('sigma_x', 'sigmas must be >= 0');
    const draw = (rng: Rng) => ranges.map(([lo, hi]) => rng.uniform(lo, hi));
    return randomly('RandGaussianSmooth', p.done(), prob, draw, gaussianSmooth);
  },
};
