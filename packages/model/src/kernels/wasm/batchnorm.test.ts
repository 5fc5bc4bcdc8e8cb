import { beforeAll, describe, expect, it } from 'vitest';
import { BATCH_NORM_MOMENTS, batchNormTraining, hasKernelFor } from '../../ops/index.js';
import { expectClose, onBoth, rand, tf, useWasmWithFastKernels } from './test-util.js';

/** Training-mode batch norm from plain ops (the layer's path on other backends). */
function plainBatchNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  const rows = tf.reshape(x, [-1, x.shape[4] as number]);
  const { mean, variance } = tf.moments(rows, 0);
  const scale = tf.mul(gamma, tf.rsqrt(tf.add(variance, eps)));
  return tf.reshape(tf.add(tf.mul(rows, scale), tf.sub(beta, tf.mul(mean, scale))), x.shape);
}

describe('wasm batch norm kernels vs plain ops on the cpu backend', () => {
  beforeAll(useWasmWithFastKernels);

  it.each([
    [2, 5, 4, 3, 7],
    [1, 6, 3, 5, 64],
    [3, 2, 3, 2, 1],
  ] as [number, number, number, number, number][])(
    'x %j: output, moments and gradients',
    async (...shape) => {
      const c = shape[4];
      const run = () => {
        const size = shape.reduce((a, b) => a * b, 1);
        // an offset and a scale per element so that mean and variance matter
        const x = tf.add(tf.mul(tf.tensor(rand(size, 5), shape), 3), 1.5);
        const gamma = tf.add(tf.tensor1d(rand(c, 6)), 1);
        const beta = tf.tensor1d(rand(c, 7));
        const dy = tf.tensor(rand(size, 8), shape);
        const fused = tf.getBackend() === 'wasm';
        expect(hasKernelFor(BATCH_NORM_MOMENTS, { x })).toBe(fused);
        const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
          if (!fused) return plainBatchNorm(a, g, b, 1e-3);
          const { y, moments } = batchNormTraining(a, g, b, 1e-3);
          moments.dispose();
          return y;
        };
        const y = f(x, gamma, beta);
        const grads = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, g, b), dy)))([
          x,
          gamma,
          beta,
        ]);
        return [y, ...grads].map((t) => t.dataSync() as Float32Array).map((a) => a.slice());
      };
      const { ref, got } = await onBoth(run);
      for (let i = 0; i < 4; i++) expectClose(got[i], ref[i]);
    },
  );
});
