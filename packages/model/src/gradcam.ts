import { toChannelsLast, type Volume } from '@ct3d/core';
import * as tf from './tf.js';

export interface GradCamResult {
  /** Heatmap in [0, 1] with the input's shape and voxel order (1 = strongest evidence). */
  cam: Volume;
  /** The explained class's probability. */
  probability: number;
  /** The explained class (index = label). */
  classIndex: number;
  /** Name of the layer whose activations were weighted (the last Conv3D). */
  layer: string;
}

/**
 * Trilinear resize of a channels-last map [a, b, c] (depth fastest) to a Volume of `shape` (i fastest),
 * sampling at voxel centres so the coarse map stays centred over the input it came from.
 */
export function upsampleToVolume(
  map: Float32Array,
  [a, b, c]: number[],
  shape: [number, number, number],
): Float32Array {
  const [nx, ny, nz] = shape;
  const out = new Float32Array(nx * ny * nz);
  const axis = (dst: number, n: number, src: number) => {
    const x = Math.min(Math.max(((dst + 0.5) * src) / n - 0.5, 0), src - 1);
    const lo = Math.floor(x);
    return [lo, Math.min(lo + 1, src - 1), x - lo] as const;
  };
  const at = (x: number, y: number, z: number) => map[(x * b + y) * c + z];
  for (let k = 0; k < nz; k++) {
    const [z0, z1, fz] = axis(k, nz, c);
    for (let j = 0; j < ny; j++) {
      const [y0, y1, fy] = axis(j, ny, b);
      for (let i = 0; i < nx; i++) {
        const [x0, x1, fx] = axis(i, nx, a);
        const lerp = (p: number, q: number, f: number) => p + (q - p) * f;
        const plane = (z: number) =>
          lerp(lerp(at(x0, y0, z), at(x1, y0, z), fx), lerp(at(x0, y1, z), at(x1, y1, z), fx), fy);
        out[i + nx * (j + ny * k)] = lerp(plane(z0), plane(z1), fz);
      }
    }
  }
  return out;
}

/** Index of the last Conv3D layer, checking that the layers after it form a single chain. */
export function lastConvIndex(model: tf.LayersModel): number {
  const layers = model.layers;
  let idx = -1;
  layers.forEach((l, i) => {
    if (['Conv3D', 'ConvPool3D'].includes(l.getClassName())) idx = i;
  });
  if (idx < 0) throw new Error(`Grad-CAM: model ${model.name} has no Conv3D layer`);
  for (let i = idx + 1; i < layers.length; i++) {
    if (layers[i].input !== layers[i - 1].output) {
      throw new Error(
        `Grad-CAM: layer ${layers[i].name} does not follow ${layers[i - 1].name} in a single chain`,
      );
    }
  }
  return idx;
}

export interface GradCamOptions {
  /**
   * The class to explain. Default: class 1 (abnormal) for a sigmoid model, the predicted class for a softmax
   * one. 'predicted' explains a sigmoid model's predicted class too (class 0 through the gradient of 1 - p).
   */
  target?: number | 'predicted';
}

/**
 * Grad-CAM (Selvaraju et al.) of one class (GradCamOptions.target) of a binary (sigmoid) or multi-class
 * (softmax) 3D CNN: the last Conv3D's
 * activations A_c weighted by the mean gradient of the output over each channel, ReLU, resized to the
 * scan and scaled to [0, 1].
 */
export async function gradCam(
  model: tf.LayersModel,
  v: Volume,
  opts: GradCamOptions = {},
): Promise<GradCamResult> {
  const idx = lastConvIndex(model);
  const conv = model.layers[idx];
  const want = model.inputs[0].shape.slice(1, 4);
  if (want.some((n, i) => n !== v.shape[i])) {
    throw new Error(
      `Grad-CAM: scan shape ${v.shape.join('x')} does not match the model input ${want.join('x')}`,
    );
  }
  const head = model.layers.slice(idx + 1);
  const convModel = tf.model({ inputs: model.inputs, outputs: conv.output as tf.SymbolicTensor });
  const score = (t: tf.Tensor): tf.Tensor =>
    head.reduce((y, l) => l.apply(y, { training: false }) as tf.Tensor, t);
  const units = model.outputs[0].shape.at(-1) ?? 1;
  // Reads are awaited, never dataSync(): a synchronous read from a page's WebGPU device breaks its later uploads.
  const x = tf.tensor5d(toChannelsLast(v), [1, ...v.shape, 1]);
  const acts = convModel.predict(x) as tf.Tensor;
  x.dispose();
  try {
    const y = tf.tidy(() => score(acts));
    const out = Array.from(await y.data());
    y.dispose();
    const probs = units > 1 ? out : [1 - out[0], out[0]];
    const predicted = probs.indexOf(Math.max(...probs));
    const byDefault = units > 1 ? predicted : 1;
    const target = opts.target === 'predicted' ? predicted : (opts.target ?? byDefault);
    if (!(target >= 0 && target < probs.length)) {
      throw new Error(`Grad-CAM: class ${target} does not exist (the model has ${probs.length} classes)`);
    }
    // The sum of a softmax is constant (no gradient): take the target's output; 1 - p for a sigmoid's class 0.
    const picked = (a: tf.Tensor): tf.Tensor =>
      units > 1
        ? tf.sum(tf.mul(score(a), tf.oneHot([target], units)))
        : target === 1
          ? tf.sum(score(a))
          : tf.neg(tf.sum(score(a)));
    const cam = tf.tidy(() => {
      const weights = tf.mean(tf.grad(picked)(acts), [0, 1, 2, 3]);
      return tf.squeeze(tf.relu(tf.sum(tf.mul(acts, weights), -1)), [0]);
    });
    const map = (await cam.data()) as Float32Array;
    const mapShape = cam.shape;
    cam.dispose();
    return normalized(v, map, mapShape, { probability: probs[target], classIndex: target, layer: conv.name });
  } finally {
    acts.dispose();
  }
}

/** The map resized to the scan and scaled to [0, 1] (all zero stays zero: no positive evidence). */
function normalized(
  v: Volume,
  map: Float32Array,
  mapShape: number[],
  rest: Omit<GradCamResult, 'cam'>,
): GradCamResult {
  const data = upsampleToVolume(map, mapShape, v.shape);
  let max = 0;
  for (const x of data) max = Math.max(max, x);
  if (max > 0) for (let i = 0; i < data.length; i++) data[i] /= max;
  return { cam: { ...v, data }, ...rest };
}
