// Occlusion sensitivity (Zeiler & Fergus; MONAI's OcclusionSensitivity and its modes): the input is occluded
// patch by patch, and each voxel gets the mean of the class probability over the occlusions that cover it.
// Mode "gaussian" multiplies the patch by 1 - a Gaussian centred in it (0 at its centre, unchanged towards its
// edges) and weights the mean by that Gaussian; the other modes replace the whole patch by a value (a number,
// the patch's mean or the image's mean) and weight each covering occlusion alike. The map is how much that
// mean falls below the unoccluded probability (evidence for the class), clipped at 0 and scaled to [0, 1].
import { toChannelsLast, type Volume } from '@ct3d/core';
import { type GradCamResult, logitHead } from './gradcam.js';
import * as tf from './tf.js';

/** Options of occlusionSensitivity. */
export interface OcclusionOptions {
  /** The class to explain (default: class 1 for a sigmoid model, the predicted class for a softmax one). */
  target?: number | 'predicted';
  /** Patch edge in model input voxels (default 16, MONAI's). */
  maskSize?: number;
  /** Overlap of neighbouring patches (default 0.25, MONAI's). */
  overlap?: number;
  /** Occluded inputs per forward pass (default 16, MONAI's n_batch). */
  batch?: number;
  /** What replaces a patch (MONAI's mode): 'gaussian' (default), 'mean_patch', 'mean_img' or a value. */
  mode?: OcclusionMode;
  /**
   * MONAI's activate: true (default) maps the class probability; false the class logit (a sigmoid's class 0:
   * the negated logit), which does not saturate when a confident model sees the same evidence in many places.
   */
  activate?: boolean;
}

/** What replaces an occluded patch (MONAI's OcclusionSensitivity mode), or the value that does. */
export type OcclusionMode = 'gaussian' | 'mean_patch' | 'mean_img' | number;

/** Patch starts along an axis of n voxels: stride maskSize * (1 - overlap), the last one flush with the end. */
export function patchStarts(n: number, size: number, overlap: number): number[] {
  if (size >= n) return [0];
  const stride = Math.max(1, Math.floor(size * (1 - overlap)));
  const starts: number[] = [];
  for (let s = 0; s + size < n; s += stride) starts.push(s);
  starts.push(n - size);
  return starts;
}

/** The Gaussian of one patch axis (sigma = size / 4, centred), as MONAI's gaussian occlusion uses. */
function gaussian1d(size: number): Float64Array {
  const sigma = size / 4;
  const c = (size - 1) / 2;
  return Float64Array.from({ length: size }, (_, i) => Math.exp(-((i - c) ** 2) / (2 * sigma * sigma)));
}

/**
 * Class scores of a batch of [w, h, d] inputs (i fastest), index = class: probabilities, or with `logits`
 * the logits (a sigmoid head's [-z, z]).
 */
async function classScores(model: tf.LayersModel, inputs: Float32Array[], shape: number[], logits: boolean) {
  const n = inputs.length;
  const flat = new Float32Array(inputs[0].length * n);
  for (const [b, x] of inputs.entries()) flat.set(x, b * x.length);
  const x = tf.tensor5d(flat, [n, shape[0], shape[1], shape[2], 1]);
  const y = logits ? tf.tidy(() => logitHead(model, 0)(x)) : (model.predict(x) as tf.Tensor);
  const out = Array.from(await y.data());
  tf.dispose([x, y]);
  const units = out.length / n;
  return Array.from({ length: n }, (_, b) => {
    if (units > 1) return out.slice(b * units, (b + 1) * units);
    return logits ? [-out[b], out[b]] : [1 - out[b], out[b]];
  });
}

/** Occlusion sensitivity of `v` (the model's input, values in [0, 1]) for one class. */
export async function occlusionSensitivity(
  model: tf.LayersModel,
  v: Volume,
  opts: OcclusionOptions = {},
): Promise<GradCamResult> {
  const [nx, ny, nz] = v.shape;
  const size = opts.maskSize ?? 16;
  const overlap = opts.overlap ?? 0.25;
  const batch = opts.batch ?? 16;
  // channels-last [w, h, d, 1] is the model's layout: i slowest. Occlusions are made in that layout.
  const input = toChannelsLast(v);
  const logits = opts.activate === false;
  const [base] = await classScores(model, [input], v.shape, logits);
  const [probs] = logits ? await classScores(model, [input], v.shape, false) : [base];
  const predicted = probs.indexOf(Math.max(...probs));
  const units = model.outputs[0].shape.at(-1) ?? 1;
  const target = opts.target === 'predicted' ? predicted : (opts.target ?? (units > 1 ? predicted : 1));
  if (!(target >= 0 && target < base.length))
    throw new Error(`occlusion: class ${target} does not exist (the model has ${base.length} classes)`);
  const [sx, sy, sz] = [nx, ny, nz].map((n) => Math.min(size, n));
  const mode = opts.mode ?? 'gaussian';
  // Constant modes weight every voxel of a patch alike (MONAI's "constant" blending).
  const [gx, gy, gz] = [sx, sy, sz].map((n) =>
    mode === 'gaussian' ? gaussian1d(n) : new Float64Array(n).fill(1),
  );
  const imageMean = input.reduce((a, b) => a + b, 0) / input.length;
  const patches: [number, number, number][] = [];
  for (const x0 of patchStarts(nx, sx, overlap))
    for (const y0 of patchStarts(ny, sy, overlap))
      for (const z0 of patchStarts(nz, sz, overlap)) patches.push([x0, y0, z0]);
  const sum = new Float64Array(nx * ny * nz); // i fastest
  const weight = new Float64Array(nx * ny * nz);
  for (let start = 0; start < patches.length; start += batch) {
    const group = patches.slice(start, start + batch);
    const occluded = group.map(([x0, y0, z0]) => {
      const x = input.slice();
      const at = (i: number, j: number, k: number) => ((x0 + i) * ny + y0 + j) * nz + z0 + k;
      let value = mode === 'mean_img' ? imageMean : mode;
      if (mode === 'mean_patch') {
        let sum = 0;
        for (let i = 0; i < sx; i++)
          for (let j = 0; j < sy; j++) for (let k = 0; k < sz; k++) sum += x[at(i, j, k)];
        value = sum / (sx * sy * sz);
      }
      for (let i = 0; i < sx; i++)
        for (let j = 0; j < sy; j++)
          for (let k = 0; k < sz; k++) {
            if (typeof value === 'number') x[at(i, j, k)] = value;
            else x[at(i, j, k)] *= 1 - gx[i] * gy[j] * gz[k];
          }
      return x;
    });
    const scores = await classScores(model, occluded, v.shape, logits);
    for (const [b, [x0, y0, z0]] of group.entries()) {
      const p = scores[b][target];
      for (let k = 0; k < sz; k++)
        for (let j = 0; j < sy; j++)
          for (let i = 0; i < sx; i++) {
            const w = gx[i] * gy[j] * gz[k];
            const at = x0 + i + nx * (y0 + j + ny * (z0 + k));
            sum[at] += w * p;
            weight[at] += w;
          }
    }
  }
  const data = new Float32Array(nx * ny * nz);
  let max = 0;
  for (let i = 0; i < data.length; i++) {
    data[i] = weight[i] > 0 ? Math.max(0, base[target] - sum[i] / weight[i]) : 0;
    max = Math.max(max, data[i]);
  }
  if (max > 0) for (let i = 0; i < data.length; i++) data[i] /= max;
  const layer = [`patch ${size}`, ...(mode === 'gaussian' ? [] : [mode]), ...(logits ? ['logit'] : [])];
  return { cam: { ...v, data }, probability: probs[target], classIndex: target, layer: layer.join(' ') };
}
