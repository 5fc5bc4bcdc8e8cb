import { beforeAll, describe, it } from 'vitest';
import { conv3dBiasRelu } from '../../ops/index.js';
import { expectClose, onBoth, rand, type Shape5, tf, useWasmWithFastKernels } from './test-util.js';

describe('conv3dBiasRelu (fused op) vs conv3d + add + relu on the cpu backend', () => {
  beforeAll(useWasmWithFastKernels);

  it.each([
    [
      [2, 7, 6, 5, 3],
      [3, 3, 3, 3, 4],
    ],
    [
      [1, 6, 8, 7, 1],
      [3, 3, 3, 1, 5],
    ],
  ] as [Shape5, Shape5][])('x %j filter %j: value and gradients of x, filter, bias', async (xs, fs) => {
    const data = () => ({
      x: tf.tensor(
        rand(
          xs.reduce((a, b) => a * b),
          31,
        ),
        xs,
      ) as tf.Tensor5D,
      w: tf.tensor(
        rand(
          fs.reduce((a, b) => a * b),
          32,
        ),
        fs,
      ) as tf.Tensor5D,
      b: tf.tensor1d(rand(fs[4], 33)),
    });
    const grads = (f: (x: tf.Tensor5D, w: tf.Tensor5D, b: tf.Tensor1D) => tf.Tensor) => {
      const { x, w, b } = data();
      const dy = tf.tensor(rand(f(x, w, b).size, 34), f(x, w, b).shape);
      const g = tf.grads((a: tf.Tensor, c: tf.Tensor, e: tf.Tensor) =>
        tf.sum(tf.mul(f(a as tf.Tensor5D, c as tf.Tensor5D, e as tf.Tensor1D), dy)),
      )([x, w, b]);
      return [f(x, w, b), ...g].map((t) => t.dataSync().slice());
    };
    const plain = (x: tf.Tensor5D, w: tf.Tensor5D, b: tf.Tensor1D) =>
      tf.relu(tf.add(tf.conv3d(x, w, 1, 'valid'), b));
    const { ref } = await onBoth(() => grads(plain));
    const { got, ref: refFusedCpu } = await onBoth(() => grads(conv3dBiasRelu));
    for (let i = 0; i < 4; i++) {
      expectClose(got[i], ref[i]);
      expectClose(refFusedCpu[i], ref[i]);
    }
  });
});
