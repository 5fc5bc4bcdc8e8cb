import { beforeAll, describe, it } from 'vitest';
import { conv3dBiasReluPool } from '../../ops/index.js';
import { expectClose, onBoth, rand, type Shape5, tf, useWasmWithFastKernels } from './test-util.js';

describe('conv3dBiasReluPool (fused conv block) vs conv3d + add + relu + maxPool3d on cpu', () => {
  beforeAll(useWasmWithFastKernels);

  it.each([
    [[2, 9, 8, 7, 3], [3, 3, 3, 3, 4], 2],
    [[1, 8, 10, 9, 1], [3, 3, 3, 1, 6], 2],
    [[3, 7, 7, 8, 2], [3, 3, 3, 2, 5], 2],
    // 1 channel (direct kernels, on both threads), 7 output channels
    [[2, 9, 8, 11, 1], [3, 3, 3, 1, 7], 2],
    // pool 3 (Winograd conv, pooled and scattered in JS) and a 2x3x3 filter (im2col path)
    [[2, 9, 10, 8, 3], [3, 3, 3, 3, 4], 3],
    [[2, 8, 9, 7, 2], [2, 3, 3, 2, 5], 2],
  ] as [Shape5, Shape5, number][])(
    'x %j filter %j pool %j: value and gradients of x, filter, bias',
    async (xs, fs, pool) => {
      const run = (f: (x: tf.Tensor5D, w: tf.Tensor5D, b: tf.Tensor1D) => tf.Tensor) => {
        const x = tf.tensor(
          rand(
            xs.reduce((a, b) => a * b),
            41,
          ),
          xs,
        ) as tf.Tensor5D;
        const w = tf.tensor(
          rand(
            fs.reduce((a, b) => a * b),
            42,
          ),
          fs,
        ) as tf.Tensor5D;
        // bias shifts some channels negative so whole windows are <= 0 (relu blocks the gradient there)
        const b = tf.tensor1d(rand(fs[4], 43).map((v) => v * 2));
        const y = f(x, w, b);
        const dy = tf.tensor(rand(y.size, 44), y.shape);
        const g = tf.grads((a: tf.Tensor, c: tf.Tensor, e: tf.Tensor) =>
          tf.sum(tf.mul(f(a as tf.Tensor5D, c as tf.Tensor5D, e as tf.Tensor1D), dy)),
        )([x, w, b]);
        return [y, ...g].map((t) => t.dataSync().slice());
      };
      const plain = (x: tf.Tensor5D, w: tf.Tensor5D, b: tf.Tensor1D) =>
        tf.maxPool3d(tf.relu(tf.add(tf.conv3d(x, w, 1, 'valid'), b)) as tf.Tensor5D, pool, pool, 'valid');
      const { ref } = await onBoth(() => run(plain));
      const { got } = await onBoth(() => run((x, w, b) => conv3dBiasReluPool(x, w, b, pool)));
      for (let i = 0; i < 4; i++) expectClose(got[i], ref[i]);
    },
  );
});
