import type { Rng, Volume } from '@ct3d/core';
import { randomly, type TransformDef, withData } from './make.js';

/** x + noise, rounded to float32 (the deterministic core: the noise field is given). */
export function addNoise(v: Volume, noise: ArrayLike<number>): Volume {
  const out = new Float32Array(v.data.length);
  for (let n = 0; n < out.length; n++) out[n] = v.data[n] + noise[n];
  return withData(v, out);
}

/**
 * A field of N(mean, std) values in voxel order: Box-Muller on pairs of the rng's uniforms, both the cosine and
 * the sine value used (half the draws and logarithms of one `rng.normal()` per voxel).
 */
export function drawNoise(rng: Rng, count: number, mean: number, std: number): Float64Array {
  const noise = new Float64Array(count);
  for (let n = 0; n < count; n += 2) {
    const radius = std * Math.sqrt(-2 * Math.log(1 - rng.next())); // 1 - u is in (0, 1]: the log is finite
    const angle = 2 * Math.PI * rng.next();
    noise[n] = mean + radius * Math.cos(angle);
    if (n + 1 < count) noise[n + 1] = mean + radius * Math.sin(angle);
  }
  return noise;
}

/** MONAI RandGaussianNoise(prob 0.1, mean 0, std 0.1, sample_std true: the std itself drawn from [0, std]). */
export const RandGaussianNoise: TransformDef = {
  name: 'RandGaussianNoise',
  create(p) {
    const prob = p.prob();
    const mean = p.number('mean', 0);
    const std = p.number('std', 0.1, { min: 0 });
    const sampleStd = p.bool('sample_std', true);
    const draw = (rng: Rng, v: Volume) =>
      drawNoise(rng, v.data.length, mean, sampleStd ? rng.uniform(0, std) : std);
    return randomly('RandGaussianNoise', p.done(), prob, draw, addNoise);
  },
};
