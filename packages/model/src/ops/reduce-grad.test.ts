// Our Mean and Sum gradients (through the broadcast op: webgpu's kernel uploads no tf.ones) on every test env:
// against cpu and against the analytic gradient; and the batch-norm moments' gradient built on them.
import { expect, it } from 'vitest';
import { ALL_ENVS, describeWithFlags } from '../test-backends/envs.js';
import { expectAllClose, onCpuAndEnv, pseudoRandom, sizeOf } from '../test-backends/run.js';
import * as tf from '../tf.js';

// [x shape, reduced axes]: batch-norm style (all but channels), inner axes, all axes, keepDims-free rank 2
const CASES: [number[], number[]][] = [
  [
    [2, 3, 4, 5, 6],
    [0, 1, 2, 3],
  ],
  [
    [2, 3, 4, 5, 6],
    [1, 2, 3],
  ],
  [
    [3, 4, 5],
    [0, 1, 2],
  ],
  [[7, 9], [1]],
];

describeWithFlags('Mean and Sum gradients', ALL_ENVS, (env) => {
  it.each(CASES)('d/dx of mean and sum %j over %j: cpu and the analytic gradient', async (xs, axes) => {
    const kept = xs.filter((_, i) => !axes.includes(i));
    const x = pseudoRandom(sizeOf(xs), 31);
    const w = pseudoRandom(sizeOf(kept), 32);
    const { ref, got } = await onCpuAndEnv(env, () => {
      const wt = tf.tensor(w, kept.length ? kept : [1]);
      return tf.grad((xt: tf.Tensor) =>
        tf.add(
          tf.sum(tf.mul(tf.reshape(tf.mean(xt, axes), wt.shape), wt)),
          tf.sum(tf.mul(tf.reshape(tf.sum(tf.square(xt), axes), wt.shape), wt)),
        ),
      )(tf.tensor(x, xs));
    });
    expectAllClose(got, ref, env.tol, ['dx']);
    // analytic: w[kept index] * (1/n + 2x)
    const n = axes.reduce((a, i) => a * xs[i], 1);
    const strides = xs.map((_, d) => sizeOf(xs.slice(d + 1)));
    let err = 0;
    for (let i = 0; i < x.length; i++) {
      let j = 0;
      xs.forEach((s, d) => {
        if (!axes.includes(d)) j = j * s + (Math.floor(i / strides[d]) % s);
      });
      err = Math.max(err, Math.abs(got[0].values[i] - w[j] * (1 / n + 2 * x[i])));
    }
    expect(err).toBeLessThan(1e-5);
  });

  it('the gradient of the batch-norm moments equals cpu', async () => {
    const { ref, got } = await onCpuAndEnv(env, () => {
      const w = tf.tensor(pseudoRandom(8, 42), [8]);
      return tf.grad((x: tf.Tensor) => {
        const m = tf.moments(x, [0, 1, 2, 3]);
        return tf.sum(tf.mul(tf.add(m.mean, tf.sqrt(tf.add(m.variance, 1e-3))), w));
      })(tf.tensor(pseudoRandom(2 * 4 * 3 * 5 * 8, 41), [2, 4, 3, 5, 8]));
    });
    expectAllClose(got, ref, env.tol, ['dx']);
  });
});
