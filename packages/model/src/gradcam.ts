import { toChannelsLast, type Volume } from '@ct3d/core';
import { gradCamMap, gradCamPlusPlusMap, minMaxNormalize } from './cam-maps.js';
import * as tf from './tf.js';

/** A heat map over the scan and the prediction it explains. */
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

/** Layers whose output is a 3D feature map ([batch, a, b, c, channels]): what Grad-CAM can weight. */
export function featureLayers(model: tf.LayersModel): string[] {
  return model.layers
    .filter((l, i) => i > 0 && (l.output as tf.SymbolicTensor).shape.length === 5)
    .filter((l) => chainFrom(model, model.layers.indexOf(l)) === null)
    .map((l) => l.name);
}

/** Why the layers after `idx` are not one chain (Grad-CAM reruns them on the activations), or null. */
function chainFrom(model: tf.LayersModel, idx: number): string | null {
  const layers = model.layers;
  for (let i = idx + 1; i < layers.length; i++) {
    if (layers[i].input !== layers[i - 1].output)
      return `layer ${layers[i].name} does not follow ${layers[i - 1].name} in a single chain`;
  }
  return null;
}

/** Index of the last Conv3D layer, checking that the layers after it form a single chain. */
export function lastConvIndex(model: tf.LayersModel): number {
  let idx = -1;
  model.layers.forEach((l, i) => {
    if (['Conv3D', 'ConvPool3D'].includes(l.getClassName())) idx = i;
  });
  if (idx < 0) throw new Error(`Grad-CAM: model ${model.name} has no Conv3D layer`);
  const broken = chainFrom(model, idx);
  if (broken) throw new Error(`Grad-CAM: ${broken}`);
  return idx;
}

/** Index of layer `name` (a 3D feature map followed by one chain), else of the last Conv3D. */
function layerIndex(model: tf.LayersModel, name: string | undefined): number {
  if (name === undefined) return lastConvIndex(model);
  const idx = model.layers.findIndex((l) => l.name === name);
  const usable = featureLayers(model);
  if (idx < 0 || !usable.includes(name))
    throw new Error(`Grad-CAM: no feature-map layer "${name}" (layers: ${usable.join(', ')})`);
  return idx;
}

/** Options of gradCam. */
export interface GradCamOptions {
  /**
   * The class to explain. Default: class 1 (abnormal) for a sigmoid model, the predicted class for a softmax
   * one. 'predicted' explains a sigmoid model's predicted class too (class 0 through the gradient of 1 - p).
   */
  target?: number | 'predicted';
  /** The layer whose activations are weighted (a name from featureLayers); default the last Conv3D. */
  layer?: string;
  /** 'gradcam' (default; MONAI's GradCAM) or 'gradcampp' (MONAI's GradCAMpp). */
  method?: 'gradcam' | 'gradcampp';
}

/**
 * The class score MONAI differentiates: the logit of the last Dense layer (its activation, sigmoid or
 * softmax, left out); the negated logit for a sigmoid's class 0. Grad-CAM's map is the same as through the
 * probability for a sigmoid (a positive factor); Grad-CAM++'s exp(score) needs the logit. `idx` 0 (the input
 * layer) gives the score of the whole model, as saliency differentiates it.
 */
export function scoreHead(model: tf.LayersModel, idx: number, units: number, target: number) {
  const logits = logitHead(model, idx);
  return (a: tf.Tensor): tf.Tensor => {
    const z = logits(a);
    if (units > 1) return tf.sum(tf.mul(z, tf.oneHot([target], units)));
    return target === 1 ? tf.sum(z) : tf.neg(tf.sum(z));
  };
}

/** The layers after `idx` applied to `a`, the last Dense layer's activation left out: logits [batch, units]. */
export function logitHead(model: tf.LayersModel, idx: number): (a: tf.Tensor) => tf.Tensor {
  const layers = model.layers.slice(idx + 1);
  const last = layers.at(-1);
  const dense = last?.getClassName() === 'Dense' ? last : undefined;
  const body = dense ? layers.slice(0, -1) : layers;
  const [kernel, bias] = dense ? dense.getWeights() : [];
  return (a: tf.Tensor): tf.Tensor => {
    const h = body.reduce((y, l) => l.apply(y, { training: false }) as tf.Tensor, a);
    return dense ? tf.add(tf.matMul(h as tf.Tensor2D, kernel as tf.Tensor2D), bias) : h;
  };
}

/**
 * Grad-CAM (Selvaraju et al.) or Grad-CAM++ (GradCamOptions.method) of one class (GradCamOptions.target) of a
 * binary (sigmoid) or multi-class (softmax) 3D CNN at a layer (default the last Conv3D), as MONAI computes
 * them: the map of cam-maps.ts from the layer's activations and the gradient of the class logit, trilinearly
 * resized to the scan and min-max normalised to [0, 1].
 */
export async function gradCam(
  model: tf.LayersModel,
  v: Volume,
  opts: GradCamOptions = {},
): Promise<GradCamResult> {
  const idx = layerIndex(model, opts.layer);
  const layer = model.layers[idx];
  const want = model.inputs[0].shape.slice(1, 4);
  if (want.some((n, i) => n !== v.shape[i])) {
    throw new Error(
      `Grad-CAM: scan shape ${v.shape.join('x')} does not match the model input ${want.join('x')}`,
    );
  }
  const units = model.outputs[0].shape.at(-1) ?? 1;
  const layerModel = tf.model({ inputs: model.inputs, outputs: layer.output as tf.SymbolicTensor });
  const probabilityHead = (t: tf.Tensor): tf.Tensor =>
    model.layers.slice(idx + 1).reduce((y, l) => l.apply(y, { training: false }) as tf.Tensor, t);
  // Reads are awaited, never dataSync(): a synchronous read from a page's WebGPU device breaks its later uploads.
  const x = tf.tensor5d(toChannelsLast(v), [1, ...v.shape, 1]);
  const acts = layerModel.predict(x) as tf.Tensor;
  x.dispose();
  try {
    const y = tf.tidy(() => probabilityHead(acts));
    const out = Array.from(await y.data());
    y.dispose();
    const probs = units > 1 ? out : [1 - out[0], out[0]];
    const predicted = probs.indexOf(Math.max(...probs));
    const byDefault = units > 1 ? predicted : 1;
    const target = opts.target === 'predicted' ? predicted : (opts.target ?? byDefault);
    if (!(target >= 0 && target < probs.length)) {
      throw new Error(`Grad-CAM: class ${target} does not exist (the model has ${probs.length} classes)`);
    }
    const score = scoreHead(model, idx, units, target);
    const [grads, logit] = tf.tidy(() => [tf.grad(score)(acts), score(acts)]);
    const [a, g, z] = await Promise.all([acts.data(), grads.data(), logit.data()]);
    tf.dispose([grads, logit]);
    const channels = acts.shape[4] ?? 1;
    const map =
      opts.method === 'gradcampp'
        ? gradCamPlusPlusMap(a as Float32Array, g as Float32Array, channels, z[0])
        : gradCamMap(a as Float32Array, g as Float32Array, channels);
    const data = minMaxNormalize(upsampleToVolume(map, acts.shape.slice(1, 4), v.shape));
    return { cam: { ...v, data }, probability: probs[target], classIndex: target, layer: layer.name };
  } finally {
    acts.dispose();
  }
}
