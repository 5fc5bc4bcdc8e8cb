// The class-activation maps of Grad-CAM and Grad-CAM++ from a layer's activations A and the gradient G of the
// class score with respect to them (channels last: voxel p, channel c at p * channels + c), as MONAI's
// GradCAM and GradCAMpp compute them (monai.visualize.class_activation_maps), before upsampling.

/** Grad-CAM: w_c = mean over voxels of G_c; map = ReLU(sum_c w_c A_c). */
export function gradCamMap(acts: Float32Array, grads: Float32Array, channels: number): Float32Array {
  const n = acts.length / channels;
  const weights = new Float64Array(channels);
  for (let p = 0; p < n; p++) for (let c = 0; c < channels; c++) weights[c] += grads[p * channels + c];
  for (let c = 0; c < channels; c++) weights[c] /= n;
  return weightedSum(acts, weights, channels);
}

/**
 * Grad-CAM++ (Chattopadhay et al.; MONAI's GradCAMpp): alpha = G^2 / (2 G^2 + sum_voxels(A G^3)) (a zero
 * denominator taken as 1, plus 1e-7), w_c = sum over voxels of alpha ReLU(exp(score) G); map = ReLU(sum_c w_c A_c).
 * `score` is the explained class's score (the logit).
 */
export function gradCamPlusPlusMap(
  acts: Float32Array,
  grads: Float32Array,
  channels: number,
  score: number,
): Float32Array {
  const n = acts.length / channels;
  const sumAG3 = new Float64Array(channels);
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < channels; c++) {
      const g = grads[p * channels + c];
      sumAG3[c] += acts[p * channels + c] * g * g * g;
    }
  }
  const expScore = Math.exp(score);
  const weights = new Float64Array(channels);
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < channels; c++) {
      const g = grads[p * channels + c];
      const nr = g * g;
      let dr = 2 * nr + sumAG3[c];
      if (dr === 0) dr = 1;
      weights[c] += (nr / (dr + 1e-7)) * Math.max(0, expScore * g);
    }
  }
  return weightedSum(acts, weights, channels);
}

/** ReLU(sum_c w_c A_c) per voxel. */
function weightedSum(acts: Float32Array, weights: Float64Array, channels: number): Float32Array {
  const n = acts.length / channels;
  const out = new Float32Array(n);
  for (let p = 0; p < n; p++) {
    let s = 0;
    for (let c = 0; c < channels; c++) s += weights[c] * acts[p * channels + c];
    out[p] = Math.max(0, s);
  }
  return out;
}

/** MONAI's default normaliser: (x - min) / (max - min) in place; a constant map becomes all 0. */
export function minMaxNormalize(data: Float32Array): Float32Array {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const x of data) {
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  const span = max - min;
  for (let i = 0; i < data.length; i++) data[i] = span > 0 ? (data[i] - min) / span : 0;
  return data;
}
