import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, onBoth, rand, type Shape5, tf, useWasmWithFastKernels } from './test-util.js';

describe('wasm MaxPool3D, Sum and Mean vs the pure-JS cpu backend', () => {
  beforeAll(useWasmWithFastKernels);

  const pools: [Shape5, number, number][] = [
    [[1, 4, 4, 4, 1], 2, 2],
    [[2, 7, 5, 9, 3], 2, 2],
    [[3, 6, 7, 5, 5], 2, 2],
    [[2, 7, 6, 8, 4], 3, 2],
    [[1, 6, 6, 6, 2], 2, 1],
  ];
  it.each(pools)('maxPool3d x %j size %d stride %d, and its gradient', async (xs, size, stride) => {
    const { ref, got } = await onBoth(() => {
      // relu'd values: many ties (zeros), where the gradient's choice of position matters
      const x = tf.relu(
        tf.tensor(
          rand(
            xs.reduce((a, b) => a * b),
            5,
          ),
          xs,
        ),
      ) as tf.Tensor5D;
      const pool = (a: tf.Tensor) => tf.maxPool3d(a as tf.Tensor5D, size, stride, 'valid');
      const y = pool(x);
      const dy = tf.tensor(rand(y.size, 6), y.shape);
      const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(pool(a), dy)))(x);
      return [y.dataSync().slice(), dx.dataSync().slice()];
    });
    expectClose(got[0], ref[0]);
    expectClose(got[1], ref[1]);
  });

  it('maxPool3d with SAME padding falls back correctly', async () => {
    const { ref, got } = await onBoth(() => {
      const x = tf.tensor(rand(2 * 5 * 5 * 5 * 3, 8), [2, 5, 5, 5, 3]) as tf.Tensor5D;
      const pool = (a: tf.Tensor) => tf.maxPool3d(a as tf.Tensor5D, 2, 2, 'same');
      return [
        pool(x).dataSync().slice(),
        tf
          .grad((a: tf.Tensor) => tf.sum(pool(a)))(x)
          .dataSync()
          .slice(),
      ];
    });
    expectClose(got[0], ref[0]);
    expectClose(got[1], ref[1]);
  });

  const reductions: [number[], number[] | number, boolean][] = [
    [[2, 5, 4, 3, 7], [0, 1, 2, 3], false],
    [[2, 5, 4, 3, 7], [0, 1, 2, 3], true],
    [[3, 9, 5], [1, 0], false],
    [[2, 5, 4, 3, 7], [1, 2, 3], false],
    [[2, 5, 4, 3, 7], 4, true],
  ];
  it.each(reductions)('sum and mean of %j over %j keepDims %s', async (shape, axis, keepDims) => {
    const { ref, got } = await onBoth(() => {
      const x = tf.tensor(
        rand(
          shape.reduce((a, b) => a * b),
          9,
        ),
        shape,
      );
      const s = tf.sum(x, axis, keepDims);
      const m = tf.mean(x, axis, keepDims);
      return [s.shape, s.dataSync().slice(), m.dataSync().slice()] as const;
    });
    expect(got[0]).toEqual(ref[0]);
    expectClose(got[1], ref[1]);
    expectClose(got[2], ref[2]);
  });
});

describe('wasm Identity', () => {
  beforeAll(useWasmWithFastKernels);

  it('shares the data (no copy) and keeps it alive until both tensors are disposed', () => {
    const ids = tf.backend().numDataIds();
    const x = tf.tensor3d(rand(2 * 3 * 4, 9), [2, 3, 4]);
    const y = tf.engine().runKernel('Identity', { x }) as tf.Tensor;
    expect(y.dataId).toBe(x.dataId);
    const before = x.dataSync().slice();
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual(Array.from(before));
    y.dispose();
    expect(tf.backend().numDataIds()).toBe(ids);
  });
});
