// Gradient saliency (MONAI's VanillaGrad and SmoothGrad, monai.visualize.gradient_based): the gradient of the
// class score (the logit, as Grad-CAM's) with respect to the input voxels. VanillaGrad's map is its magnitude;
// SmoothGrad (Smilkov et al.) averages the squared gradient over copies of the input with Gaussian noise of
// sigma = noise * (max - min of the input) added (MONAI's magnitude=True). Min-max scaled to [0, 1].
import { createRng, toChannelsLast, type Volume } from '@ct3d/core';
import { minMaxNormalize } from './cam-maps.js';
import { type GradCamResult, scoreHead } from './gradcam.js';
import * as tf from './tf.js';

/** Options of saliency. */
export interface SaliencyOptions {
  /** The class to explain (see GradCamOptions.target). */
  target?: number | 'predicted';
  /** SmoothGrad's noisy copies; 0 (default) is VanillaGrad, the plain gradient. MONAI's default is 25. */
  samples?: number;
  /** SmoothGrad's noise level, a fraction of the input's range (default 0.15, MONAI's stdev_spread). */
  noise?: number;
  /** Seed of SmoothGrad's noise (default 0): the same map every time. */
  seed?: number;
}

/** The gradient saliency map of `v` (the model's input, a single chain of layers) for one class. */
export async function saliency(
  model: tf.LayersModel,
  v: Volume,
  opts: SaliencyOptions = {},
): Promise<GradCamResult> {
  const [nx, ny, nz] = v.shape;
  const units = model.outputs[0].shape.at(-1) ?? 1;
  const input = toChannelsLast(v);
  const x = tf.tensor5d(input, [1, nx, ny, nz, 1]);
  const y = model.predict(x) as tf.Tensor;
  const out = Array.from(await y.data());
  tf.dispose([x, y]);
  const probs = units > 1 ? out : [1 - out[0], out[0]];
  const predicted = probs.indexOf(Math.max(...probs));
  const target = opts.target === 'predicted' ? predicted : (opts.target ?? (units > 1 ? predicted : 1));
  if (!(target >= 0 && target < probs.length))
    throw new Error(`saliency: class ${target} does not exist (the model has ${probs.length} classes)`);
  const score = scoreHead(model, 0, units, target);
  const gradientOf = async (values: Float32Array): Promise<Float32Array> => {
    const t = tf.tensor5d(values, [1, nx, ny, nz, 1]);
    const g = tf.grad(score)(t);
    const data = (await g.data()) as Float32Array;
    tf.dispose([t, g]);
    return data;
  };
  const samples = opts.samples ?? 0;
  const sum = new Float64Array(input.length); // channels last
  if (samples === 0) {
    const g = await gradientOf(input);
    for (let i = 0; i < g.length; i++) sum[i] = Math.abs(g[i]);
  } else {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const a of input) [min, max] = [Math.min(min, a), Math.max(max, a)];
    const sigma = (opts.noise ?? 0.15) * (max - min);
    const rng = createRng(opts.seed ?? 0);
    const noisy = new Float32Array(input.length);
    for (let s = 0; s < samples; s++) {
      for (let i = 0; i < input.length; i++) noisy[i] = input[i] + sigma * rng.normal();
      const g = await gradientOf(noisy);
      for (let i = 0; i < g.length; i++) sum[i] += g[i] * g[i];
    }
  }
  // channels last (i slowest) back to the Volume's order (i fastest).
  const data = new Float32Array(input.length);
  for (let i = 0; i < nx; i++)
    for (let j = 0; j < ny; j++)
      for (let k = 0; k < nz; k++) data[i + nx * (j + ny * k)] = sum[(i * ny + j) * nz + k];
  return {
    cam: { ...v, data: minMaxNormalize(data) },
    probability: probs[target],
    classIndex: target,
    layer: samples === 0 ? 'input' : `input, ${samples} samples`,
  };
}
