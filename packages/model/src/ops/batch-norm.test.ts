// The batch-norm ops: with a backend's moments kernel (a fake backend's, plain JS) the layer's training path
// becomes one custom op whose normalize and gradient run as composites here; it must equal the plain-op path
// under autodiff (what cpu runs). Without kernels, every op is its composite.
import { closeMismatch } from '@ct3d/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../tf.js';
import { adamUpdate } from './adam-update.js';
import {
  BATCH_NORM_APPLY,
  BATCH_NORM_MOMENTS,
  batchNormInference,
  batchNormTraining,
  normalizeChannels,
} from './batch-norm.js';
import { channelSum } from './channel-sum.js';
import { hasKernelFor } from './dispatch.js';
import { reluGrad } from './relu-grad.js';
import {
  type CpuKernelBackend,
  FAKE_BACKEND,
  inputOf,
  pseudoRandom,
  readInput,
  removeFakeBackend,
  useFakeBackend,
} from './test-fake-backend.js';

let momentsCalls = 0;

/** Ct3dBatchNormMoments in plain JS: per-channel mean and biased variance, float64 sums. */
const fakeMoments: tf.KernelFunc = ({ inputs, backend }) => {
  momentsCalls++;
  const x = readInput(backend, inputs, 'x');
  const shape = inputOf(inputs, 'x').shape;
  const c = shape[shape.length - 1];
  const rows = x.length / c;
  const out = new Float32Array(2 * c);
  for (let ch = 0; ch < c; ch++) {
    let sum = 0;
    for (let r = 0; r < rows; r++) sum += x[r * c + ch];
    const mean = sum / rows;
    let sq = 0;
    for (let r = 0; r < rows; r++) sq += (x[r * c + ch] - mean) ** 2;
    out[ch] = mean;
    out[c + ch] = sq / rows;
  }
  return (backend as CpuKernelBackend).makeTensorInfo([2, c], 'float32', out);
};

/** Ct3dBatchNormApply in plain JS: (x - mean) * rsqrt(var + eps) * gamma + beta per channel. */
const fakeApply: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const x = readInput(backend, inputs, 'x');
  const m = readInput(backend, inputs, 'moments');
  const [gamma, beta] = [readInput(backend, inputs, 'gamma'), readInput(backend, inputs, 'beta')];
  const shape = inputOf(inputs, 'x').shape;
  const c = shape[shape.length - 1];
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const ch = i % c;
    out[i] = ((x[i] - m[ch]) / Math.sqrt(m[c + ch] + (attrs?.epsilon as number))) * gamma[ch] + beta[ch];
  }
  return (backend as CpuKernelBackend).makeTensorInfo(shape, 'float32', out);
};

const SHAPE = [2, 5, 4, 3, 6];
const C = SHAPE[4];

/** y, moments and the gradients (x, gamma, beta) of sum(y * w) of training-mode batch norm. */
function trainingRun(): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.add(tf.mul(tf.tensor(pseudoRandom(tf.util.sizeFromShape(SHAPE), 1), SHAPE), 3), 1.5);
    const gamma = tf.add(tf.tensor1d(pseudoRandom(C, 2)), 1);
    const beta = tf.tensor1d(pseudoRandom(C, 3));
    const w = tf.tensor(pseudoRandom(x.size, 4), SHAPE);
    const { y, moments } = batchNormTraining(x, gamma, beta, 1e-3);
    const loss = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const run = batchNormTraining(a, g, b, 1e-3);
      run.moments.dispose();
      return tf.sum(tf.mul(run.y, w));
    };
    return [y, moments, ...tf.grads(loss)([x, gamma, beta])].map((t) => t.dataSync() as Float32Array);
  });
}

const PARTS = ['y', 'moments', 'dx', 'dgamma', 'dbeta'];

/** y and the gradients (x, mean, variance, gamma, beta) of sum(y * w) of inference-mode batch norm. */
function inferenceRun(): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.tensor(pseudoRandom(tf.util.sizeFromShape(SHAPE), 5), SHAPE);
    const [mean, variance, gamma, beta] = [6, 7, 8, 9].map((seed) => tf.tensor1d(pseudoRandom(C, seed)));
    const w = tf.tensor(pseudoRandom(x.size, 4), SHAPE);
    const f = (a: tf.Tensor, m: tf.Tensor, v: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(batchNormInference(a, m, tf.add(tf.abs(v), 0.1), g, b, 1e-3), w));
    const y = batchNormInference(x, mean, tf.add(tf.abs(variance), 0.1), gamma, beta, 1e-3);
    return [y, ...tf.grads(f)([x, mean, variance, gamma, beta])].map((t) => t.dataSync() as Float32Array);
  });
}

describe('batch-norm ops', () => {
  let plain: Float32Array[];
  beforeAll(async () => {
    await tf.setBackend('cpu');
    plain = trainingRun();
  });

  it('without kernels: inference is normalizeChannels exactly', () => {
    tf.tidy(() => {
      const x = tf.tensor(pseudoRandom(tf.util.sizeFromShape(SHAPE), 5), SHAPE);
      const [mean, variance, gamma, beta] = [6, 7, 8, 9].map((seed) => tf.tensor1d(pseudoRandom(C, seed)));
      const v = tf.abs(variance);
      const got = batchNormInference(x, mean, v, gamma, beta, 1e-3).dataSync();
      expect(Array.from(got)).toEqual(
        Array.from(normalizeChannels(x, mean, v, gamma, beta, 1e-3).dataSync()),
      );
    });
  });

  it('without kernels: reluGrad, channelSum and adamUpdate are their plain formulas', () => {
    tf.tidy(() => {
      const [dy, x, m, v] = [10, 11, 12, 13].map((seed) => tf.tensor(pseudoRandom(24, seed), [2, 3, 4]));
      const same = (a: tf.Tensor, b: tf.Tensor) =>
        expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
      same(reluGrad(dy, x), tf.mul(dy, tf.step(x)));
      same(channelSum(x), tf.sum(x, [0, 1]));
      const s = { lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, oneMinusAcc1: 0.1, oneMinusAcc2: 0.001 };
      const m1 = tf.add(tf.mul(m, 0.9), tf.mul(dy, 1 - 0.9));
      same(adamUpdate(x, m, tf.abs(v), dy, s, 'm'), m1);
    });
  });

  describe("with a backend's normalize kernel", () => {
    let plainInference: Float32Array[];
    beforeAll(async () => {
      plainInference = inferenceRun();
      await useFakeBackend([
        { kernelName: BATCH_NORM_APPLY, backendName: FAKE_BACKEND, kernelFunc: fakeApply },
      ]);
    });
    afterAll(removeFakeBackend);

    it('inference runs it and has the gradients of the plain path (Grad-CAM through a trained model)', () => {
      const got = inferenceRun();
      for (const [i, g] of got.entries()) {
        const part = ['y', 'dx', 'dmean', 'dvariance', 'dgamma', 'dbeta'][i];
        expect(closeMismatch(g, plainInference[i], { rtol: 1e-5, atol: 1e-6 }), part).toBeNull();
      }
    });
  });

  describe("with a backend's moments kernel", () => {
    beforeAll(() =>
      useFakeBackend([
        { kernelName: BATCH_NORM_MOMENTS, backendName: FAKE_BACKEND, kernelFunc: fakeMoments },
      ]),
    );
    afterAll(removeFakeBackend);

    it('the training op runs it, and with the normalize and gradient composites equals the plain path', () => {
      expect(tf.tidy(() => hasKernelFor(BATCH_NORM_MOMENTS, { x: tf.zeros([2, C]) }))).toBe(true);
      momentsCalls = 0;
      const got = trainingRun();
      expect(momentsCalls).toBe(2);
      for (const [i, g] of got.entries()) {
        expect(closeMismatch(g, plain[i], { rtol: 1e-5, atol: 1e-6 }), PARTS[i]).toBeNull();
      }
    });
  });
});
