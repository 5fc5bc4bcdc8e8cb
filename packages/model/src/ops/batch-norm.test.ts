// The batch-norm ops on every test env against the plain-op path on cpu (what autodiff does without kernels).
// Where the env has the moments kernel (fake, wasm, webgpu) training is one custom op whose gradient is the
// GRAD kernel (a composite on fake); inference runs the normalize kernel with the gradient registered for it.
import { expect, it } from 'vitest';
import { ALL_ENVS, describeWithFlags, type EnvName, type Tolerance, tighter } from '../test-backends/envs.js';
import { expectAllClose, kernelCounts, pseudoRandom, randomTensor, runOn } from '../test-backends/run.js';
import * as tf from '../tf.js';
import { adamUpdate } from './adam-update.js';
import {
  BATCH_NORM_APPLY,
  BATCH_NORM_MOMENTS,
  batchNormInference,
  batchNormTraining,
  channelMoments,
  movingAverageFromMoments,
  normalizeChannels,
} from './batch-norm.js';
import { channelSum } from './channel-sum.js';
import { hasKernelFor } from './dispatch.js';
import { reluGrad } from './relu-grad.js';

const EPS = 1e-3;
/** The envs that register the batch-norm kernels. */
const KERNEL_ENVS: readonly EnvName[] = ['fake', 'wasm', 'webgpu'];

// odd sides; channels 1, 3, 5, 129 (webgpu: scalar lanes), 6, 7, 8, 12, 4, 64 (vec4); batch 1 to 3; webgpu:
// > 16 rows a thread (4 ch) and > 256 first-level workgroups (129 ch: the second level's threads take
// several partials each)
const TRAINING: number[][] = [
  [2, 5, 4, 3, 6],
  [2, 5, 4, 3, 7],
  [1, 6, 3, 5, 64],
  [3, 2, 3, 2, 1],
  [1, 3, 5, 7, 3],
  [3, 5, 3, 3, 5],
  [3, 7, 5, 3, 8],
  [1, 9, 7, 5, 12],
  [2, 3, 5, 3, 64],
  [1, 31, 29, 17, 4],
  [1, 17, 17, 17, 129],
];

/** Training-mode batch norm: y and the moments [2, C]; the plain ops when `plain`, else the op. */
function training(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, plain: boolean) {
  if (!plain) return batchNormTraining(x, gamma, beta, EPS);
  const { mean, variance } = channelMoments(x);
  return { y: normalizeChannels(x, mean, variance, gamma, beta, EPS), moments: tf.stack([mean, variance]) };
}

/** y, moments and the gradients (x, gamma, beta) of sum(y * w); x has a mean far from 0 (1.5 +- 3). */
function trainingRun(shape: number[], plain: boolean): tf.Tensor[] {
  const c = shape[4];
  const x = tf.add(tf.mul(randomTensor(shape, 1), 3), 1.5);
  const gamma = tf.add(randomTensor([c], 2), 1);
  const beta = randomTensor([c], 3);
  const w = randomTensor(shape, 4);
  const { y, moments } = training(x, gamma, beta, plain);
  const loss = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
    const run = training(a, g, b, plain);
    run.moments.dispose();
    return tf.sum(tf.mul(run.y, w));
  };
  return [y, moments, ...tf.grads(loss)([x, gamma, beta])];
}

/**
 * dgamma and dbeta are float32 sums over up to ~15000 rows, in different orders here and in tfjs cpu (the
 * reference has the same rounding): 129 channels leave 3.5e-5 on a 0.14 sum on webgpu.
 */
const SUM_TOL: Tolerance = { rtol: 1e-4, atol: 5e-5 };

/** y and the gradients (x, mean, variance, gamma, beta) of sum(y * w) of inference-mode batch norm. */
function inferenceRun(plain: boolean): tf.Tensor[] {
  const shape = [2, 5, 4, 3, 6];
  const x = randomTensor(shape, 5);
  const [mean, variance, gamma, beta] = [6, 7, 8, 9].map((seed) => randomTensor([6], seed));
  const w = randomTensor(shape, 4);
  const norm = plain ? normalizeChannels : batchNormInference;
  const f = (a: tf.Tensor, m: tf.Tensor, v: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
    tf.sum(tf.mul(norm(a, m, tf.add(tf.abs(v), 0.1), g, b, EPS), w));
  const y = norm(x, mean, tf.add(tf.abs(variance), 0.1), gamma, beta, EPS);
  return [y, ...tf.grads(f)([x, mean, variance, gamma, beta])];
}

describeWithFlags('batch-norm ops', ALL_ENVS, (env) => {
  it.each(TRAINING.map((s) => [s]))(
    'training %j: y, moments, dx, dgamma, dbeta equal the plain ops',
    async (s) => {
      const ref = await runOn('cpu', () => trainingRun(s, true));
      const got = await runOn(env.backendName, () => trainingRun(s, false));
      expectAllClose(got.slice(0, 3), ref.slice(0, 3), env.tol, ['y', 'moments', 'dx']);
      const sumTol = env.name === 'webgpu' ? SUM_TOL : env.tol;
      expectAllClose(got.slice(3), ref.slice(3), sumTol, ['dgamma', 'dbeta']);
    },
  );

  it('training runs the moments kernel where the env has one (forward, and again under tf.grads)', async () => {
    const has = KERNEL_ENVS.includes(env.name);
    const x = tf.zeros([2, 6]);
    expect(hasKernelFor(BATCH_NORM_MOMENTS, { x })).toBe(has);
    x.dispose();
    const counts = await kernelCounts(() => tf.dispose(trainingRun([2, 5, 4, 3, 6], false)));
    expect(counts.get(BATCH_NORM_MOMENTS) ?? 0).toBe(has ? 2 : 0);
  });

  it('inference: y and the gradients of x, mean, variance, gamma, beta equal the plain ops', async () => {
    const ref = await runOn('cpu', () => inferenceRun(true));
    const counts = await kernelCounts(async () => {
      const got = await runOn(env.backendName, () => inferenceRun(false));
      expectAllClose(got, ref, env.tol, ['y', 'dx', 'dmean', 'dvariance', 'dgamma', 'dbeta']);
    });
    // the normalize kernel, forward and again under tf.grads (Grad-CAM through a trained model)
    expect(counts.get(BATCH_NORM_APPLY) ?? 0).toBe(KERNEL_ENVS.includes(env.name) ? 2 : 0);
  });

  it('the moving average of a moments row is moving * m + row * (1 - m)', async () => {
    const moving = pseudoRandom(6, 48);
    const moments = pseudoRandom(12, 49);
    for (const row of [0, 1] as const) {
      const op = (plain: boolean) => () => {
        const [v, m] = [tf.tensor1d(moving), tf.tensor2d(moments, [2, 6])];
        if (!plain) return movingAverageFromMoments(v, m, row, 0.99);
        return tf.add(tf.mul(v, 0.99), tf.mul(tf.tensor1d(moments.slice(6 * row, 6 * row + 6)), 1 - 0.99));
      };
      const ref = await runOn('cpu', op(true));
      const got = await runOn(env.backendName, op(false));
      expectAllClose(got, ref, tighter(env.tol, { rtol: 1e-6, atol: 1e-7 }), [`row ${row}`]);
    }
  });

  it('reluGrad, channelSum and adamUpdate equal their plain formulas', async () => {
    const s = { lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, oneMinusAcc1: 0.1, oneMinusAcc2: 0.001 };
    const inputs = () => [10, 11, 12, 13].map((seed) => randomTensor([2, 3, 4], seed));
    const ref = await runOn('cpu', () => {
      const [dy, x, m, v] = inputs();
      const m1 = tf.add(tf.mul(m, s.beta1), tf.mul(dy, 1 - s.beta1));
      const v1 = tf.add(tf.mul(tf.abs(v), s.beta2), tf.mul(tf.square(dy), 1 - s.beta2));
      // tfjs-core's AdamOptimizer's order of operations
      const step = tf.div(tf.div(m1, s.oneMinusAcc1), tf.add(tf.sqrt(tf.div(v1, s.oneMinusAcc2)), s.epsilon));
      return [tf.mul(dy, tf.step(x)), tf.sum(x, [0, 1]), m1, v1, tf.add(tf.mul(step, -s.lr), x)];
    });
    const got = await runOn(env.backendName, () => {
      const [dy, x, m, v] = inputs();
      const adam = (out: 'm' | 'v' | 'w') => adamUpdate(x, m, tf.abs(v), dy, s, out);
      return [reluGrad(dy, x), channelSum(x), adam('m'), adam('v'), adam('w')];
    });
    expectAllClose(got, ref, env.tol, ['reluGrad', 'channelSum', 'adam m', 'adam v', 'adam w']);
  });
});
