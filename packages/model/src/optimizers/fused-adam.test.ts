// FusedAdamOptimizer picks its step through the kernel registry: with a backend's Ct3dAdamUpdate kernel (a fake
// backend's, plain JS) it steps through the kernel and equals tfjs's Adam; snapshot()/restore() carry its state.
import { type AdamStepAttrs, adamStepValues, closeMismatch } from '@ct3d/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAM_UPDATE } from '../ops/adam-update.js';
import {
  type CpuKernelBackend,
  FAKE_BACKEND,
  inputOf,
  readInput,
  removeFakeBackend,
  useFakeBackend,
} from '../ops/test-fake-backend.js';
import * as tf from '../tf.js';
import { FusedAdamOptimizer } from './fused-adam.js';

let adamCalls = 0;

/** Ct3dAdamUpdate in plain JS (float64), as the webgpu kernel computes it. */
const fakeAdam: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  adamCalls++;
  const [w, m, v, g] = ['w', 'm', 'v', 'g'].map((k) => readInput(backend, inputs, k));
  const out = adamStepValues(w, m, v, g, attrs as unknown as AdamStepAttrs);
  return (backend as CpuKernelBackend).makeTensorInfo(inputOf(inputs, 'w').shape, 'float32', out);
};

const START = [0.5, -0.25, 1.5, 0.125];
const GRADS = [
  [0.1, -0.2, 0.3, 0.05],
  [-0.4, 0.1, 0.2, 0.0],
  [0.3, 0.3, -0.1, 0.2],
];

/** Weights after the three steps of GRADS, and the optimizer (for its state). */
function train(opt: tf.AdamOptimizer): { weights: Float32Array; opt: tf.AdamOptimizer } {
  const w = tf.variable(tf.tensor1d(START), true, `w_${Math.random()}`);
  for (const g of GRADS) tf.tidy(() => opt.applyGradients([{ name: w.name, tensor: tf.tensor1d(g) }]));
  const weights = w.dataSync() as Float32Array;
  w.dispose();
  return { weights, opt };
}

describe('FusedAdamOptimizer', () => {
  let reference: Float32Array;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    reference = train(tf.train.adam(0.01, 0.9, 0.999, 1e-7)).weights;
  });

  it('without the kernel: tfjs Adam, and snapshot() holds beta^t', async () => {
    const { weights, opt } = train(new FusedAdamOptimizer(0.01, 0.9, 0.999, 1e-7));
    expect(Array.from(weights)).toEqual(Array.from(reference));
    const snap = await (opt as FusedAdamOptimizer).snapshot();
    expect(snap.accBeta1).toBeCloseTo(0.9 ** 4, 6); // beta^(t + 1) in float32, as tfjs keeps it
    expect(snap.weights.map((w) => w.name)).toHaveLength(3); // iter, m, v
    tf.dispose(snap.weights[0].tensor);
    opt.dispose();
  });

  describe("with a backend's Ct3dAdamUpdate kernel", () => {
    beforeAll(() =>
      useFakeBackend([{ kernelName: ADAM_UPDATE, backendName: FAKE_BACKEND, kernelFunc: fakeAdam }]),
    );
    afterAll(removeFakeBackend);

    it('steps through the kernel (m, v, w per variable) and equals tfjs Adam', async () => {
      adamCalls = 0;
      const { weights, opt } = train(new FusedAdamOptimizer(0.01, 0.9, 0.999, 1e-7));
      expect(adamCalls).toBe(3 * GRADS.length);
      // float64 kernel vs tfjs's float32 arithmetic: 2.4e-6 relative on the worst weight
      expect(closeMismatch(weights, reference, { rtol: 1e-5, atol: 1e-6 })).toBeNull();
      // the fused steps leave tfjs's beta^t behind: snapshot() says so, restore() derives it
      const snap = await (opt as FusedAdamOptimizer).snapshot();
      expect([snap.accBeta1, snap.accBeta2]).toEqual([null, null]);
      const fresh = new FusedAdamOptimizer(0.01, 0.9, 0.999, 1e-7);
      await fresh.restore(snap);
      tf.dispose(snap.weights[0].tensor);
      const restored = await fresh.snapshot();
      expect(restored.accBeta1).toBeCloseTo(0.9 ** 4, 6);
      expect(restored.accBeta2).toBeCloseTo(0.999 ** 4, 6);
      tf.dispose(restored.weights[0].tensor);
      opt.dispose();
      fresh.dispose();
    });
  });
});
