// Occlusion sensitivity on a model whose answer is known: it reads one corner region of its input only.
import { identityAffine, type Volume } from '@ct3d/core';
import { describe, expect, it } from 'vitest';
import { explain } from './explain.js';
import { occlusionSensitivity, patchStarts } from './occlusion.js';
import * as tf from './tf.js';

const N = 8;
/** p = sigmoid(sum of the input over i, j, k in 5..7 - 13): a model that looks at that cube only. */
function cornerModel(): tf.LayersModel {
  const input = tf.input({ shape: [N, N, N, 1] });
  const flat = tf.layers.flatten().apply(input) as tf.SymbolicTensor;
  const dense = tf.layers.dense({ units: 1, activation: 'sigmoid' });
  const output = dense.apply(flat) as tf.SymbolicTensor;
  const kernel = new Float32Array(N * N * N);
  // channels-last flatten: index (i * N + j) * N + k
  for (let i = 5; i < N; i++)
    for (let j = 5; j < N; j++) for (let k = 5; k < N; k++) kernel[(i * N + j) * N + k] = 1;
  dense.setWeights([tf.tensor2d(kernel, [N * N * N, 1]), tf.tensor1d([-13])]);
  return tf.model({ inputs: input, outputs: output });
}

const ones = (): Volume => ({
  data: new Float32Array(N * N * N).fill(1),
  shape: [N, N, N],
  spacing: [1, 1, 1],
  affine: identityAffine(),
});
const inCube = (at: number) => {
  const [i, j, k] = [at % N, Math.floor(at / N) % N, Math.floor(at / (N * N))];
  return [i, j, k].every((x) => x >= 5);
};

describe('occlusionSensitivity', () => {
  it('patches cover the axis with MONAI-like strides, the last flush with the end', () => {
    expect(patchStarts(8, 4, 0.25)).toEqual([0, 3, 4]);
    expect(patchStarts(64, 16, 0.25)).toEqual([0, 12, 24, 36, 48]);
    expect(patchStarts(4, 16, 0.25)).toEqual([0]);
  });

  it('points at the region the model reads and is exactly 0 where no patch touches it', async () => {
    const model = cornerModel();
    const r = await occlusionSensitivity(model, ones(), { maskSize: 4 });
    expect(r.classIndex).toBe(1);
    expect(r.probability).toBeCloseTo(1 / (1 + Math.exp(-(27 - 13))), 6);
    const max = Math.max(...r.cam.data);
    expect(max).toBe(1);
    expect(inCube(r.cam.data.indexOf(max))).toBe(true);
    // Voxel (0, 0, 0) is covered only by the patch at 0..3 on each axis, which leaves the cube alone.
    expect(r.cam.data[0]).toBeLessThan(1e-12); // the same probability, up to rounding of the weighted mean
    // The map's mass sits in and next to the cube (patches reaching it): none in the far half of every axis.
    for (let at = 0; at < r.cam.data.length; at++) {
      const [i, j, k] = [at % N, Math.floor(at / N) % N, Math.floor(at / (N * N))];
      if (i < 3 || j < 3 || k < 3) expect(r.cam.data[at]).toBeLessThan(1e-12);
    }
    // The same through explain(); and Grad-CAM needs a feature-map layer this model has not.
    expect((await explain(model, ones(), { method: 'occlusion', maskSize: 4 })).cam.data).toEqual(r.cam.data);
    await expect(explain(model, ones(), { method: 'gradcam' })).rejects.toThrow(/no Conv3D layer/);
    model.dispose();
  });
});
