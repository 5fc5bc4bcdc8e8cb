import { identityAffine, toChannelsLast, type Volume } from '@ct3d/core';
import { phantom } from '@ct3d/test-support';
import { describe, expect, it } from 'vitest';
import { gradCam } from './gradcam.js';
import { buildSeedModel } from './seed-model.js';
import * as tf from './tf.js';

describe('gradCam on a softmax model', () => {
  it('explains the predicted class (a softmax sum has no gradient) and reports its probability', () => {
    const model = buildSeedModel({
      width: 16,
      height: 16,
      depth: 16,
      filters: [4, 4],
      denseUnits: 8,
      seed: 3,
      outputUnits: 3,
    });
    const shape: [number, number, number] = [16, 16, 16];
    const v: Volume = { data: phantom(shape, true), shape, spacing: [1, 1, 1], affine: identityAffine() };
    const r = gradCam(model, v);
    const probs = Array.from(
      (model.predict(tf.tensor5d(toChannelsLast(v), [1, ...shape, 1])) as tf.Tensor).dataSync(),
    );
    const predicted = probs.indexOf(Math.max(...probs));
    expect(r.classIndex).toBe(predicted);
    expect(r.probability).toBeCloseTo(probs[predicted], 5);
    expect(Math.max(...r.cam.data)).toBeCloseTo(1, 6); // a real map, not all zeros
    model.dispose();
  });
});
