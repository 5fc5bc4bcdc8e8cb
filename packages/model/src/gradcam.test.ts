import { identityAffine, toChannelsLast, type Volume } from '@ct3d/core';
import { phantom } from '@ct3d/test-support';
import { describe, expect, it } from 'vitest';
import { gradCam, lastConvIndex, upsampleToVolume } from './gradcam.js';
import { buildSeedModel } from './seed-model.js';
import * as tf from './tf.js';

const vol = (shape: [number, number, number], data: Float32Array): Volume => ({
  data,
  shape,
  spacing: [1, 1, 1],
  affine: identityAffine(),
});

/** The seed model cut to two 4-filter blocks at 16^3 (sigmoid head, or a softmax of `outputUnits`). */
const smallSeedModel = (outputUnits = 1) =>
  buildSeedModel({ width: 16, height: 16, depth: 16, filters: [4, 4], denseUnits: 8, seed: 3, outputUnits });

/** A chest phantom with a lesion at the model's input size. */
const chest = () => vol([16, 16, 16], phantom([16, 16, 16], true));

describe('layout helpers', () => {
  it('upsampleToVolume keeps constants and same-size maps', () => {
    expect([...upsampleToVolume(new Float32Array(8).fill(0.25), [2, 2, 2], [5, 3, 4])]).toEqual(
      new Array(60).fill(0.25),
    );
    const v = vol(
      [2, 3, 4],
      Float32Array.from({ length: 24 }, (_, n) => n),
    );
    expect([...upsampleToVolume(toChannelsLast(v), [2, 3, 4], [2, 3, 4])]).toEqual([...v.data]);
  });
});

describe('gradCam', () => {
  it('weights the last Conv3D and reproduces the model output', async () => {
    const model = smallSeedModel();
    const v = chest();
    const idx = lastConvIndex(model);
    expect(model.layers[idx].name).toBe('conv3d_1');
    const r = await gradCam(model, v);
    const x = tf.tensor5d(toChannelsLast(v), [1, 16, 16, 16, 1]);
    const p = (model.predict(x) as tf.Tensor).dataSync()[0];
    expect(r.probability).toBeCloseTo(p, 5);
    expect(r.layer).toBe('conv3d_1');
    expect(r.cam.shape).toEqual([16, 16, 16]);
    const max = Math.max(...r.cam.data);
    expect(Math.min(...r.cam.data)).toBeGreaterThanOrEqual(0);
    expect(max).toBeCloseTo(1, 6);

    // Channel weights by central differences on the activations (no autodiff): w_c = dS/dA_c summed / N.
    const acts = tf
      .model({ inputs: model.inputs, outputs: model.layers[idx].output as tf.SymbolicTensor })
      .predict(x) as tf.Tensor;
    const head = (t: tf.Tensor) =>
      model.layers.slice(idx + 1).reduce((y, l) => l.apply(y, { training: false }) as tf.Tensor, t);
    const [, a, b, c, channels] = acts.shape as number[];
    const n = a * b * c;
    const eps = 1e-3; // small: relu zeros tie inside max-pool windows, so larger steps change the argmax
    const weights = Array.from({ length: channels }, (_, ch) => {
      const e = tf.mul(tf.oneHot(tf.fill([a, b, c], ch, 'int32'), channels), eps);
      const up = head(tf.add(acts, e)).dataSync()[0];
      const down = head(tf.sub(acts, e)).dataSync()[0];
      return (up - down) / (2 * eps) / n;
    });
    const A = acts.dataSync();
    const coarse = new Float32Array(n).map((_, p) =>
      Math.max(
        0,
        weights.reduce((s, w, ch) => s + w * A[p * channels + ch], 0),
      ),
    );
    const expected = upsampleToVolume(coarse, [a, b, c], [16, 16, 16]);
    const eMax = Math.max(...expected);
    for (let i = 0; i < expected.length; i += 37) expect(r.cam.data[i]).toBeCloseTo(expected[i] / eMax, 2);
    await expect(gradCam(model, vol([8, 8, 8], new Float32Array(512)))).rejects.toThrow(
      /does not match the model input/,
    );
  });

  it("explains a sigmoid model's class 0 through 1 - p: the opposite evidence, and refuses a missing class", async () => {
    const model = smallSeedModel();
    const v = chest();
    const abnormal = await gradCam(model, v);
    const normal = await gradCam(model, v, { target: 0 });
    const predicted = await gradCam(model, v, { target: 'predicted' });
    expect([abnormal.classIndex, normal.classIndex]).toEqual([1, 0]);
    expect(normal.probability).toBeCloseTo(1 - abnormal.probability, 6);
    expect(predicted.classIndex).toBe(abnormal.probability > 0.5 ? 1 : 0);
    // relu(sum A w) and relu(-sum A w) (before upsampling) never both exceed 0 at a coarse voxel.
    const both = abnormal.cam.data.filter((a, i) => a > 0.999 && normal.cam.data[i] > 0.999).length;
    expect(both).toBe(0);
    expect(Math.max(...abnormal.cam.data) + Math.max(...normal.cam.data)).toBeGreaterThan(0);
    await expect(gradCam(model, v, { target: 2 })).rejects.toThrow('Grad-CAM: class 2 does not exist');
  });
});

describe('gradCam on a softmax model', () => {
  it('explains the predicted class (a softmax sum has no gradient) and reports its probability', async () => {
    const model = smallSeedModel(3);
    const v = chest();
    const r = await gradCam(model, v);
    const probs = Array.from(
      (model.predict(tf.tensor5d(toChannelsLast(v), [1, 16, 16, 16, 1])) as tf.Tensor).dataSync(),
    );
    const predicted = probs.indexOf(Math.max(...probs));
    expect(r.classIndex).toBe(predicted);
    expect(r.probability).toBeCloseTo(probs[predicted], 5);
    expect(Math.max(...r.cam.data)).toBeCloseTo(1, 6); // a real map, not all zeros
    model.dispose();
  });
});
