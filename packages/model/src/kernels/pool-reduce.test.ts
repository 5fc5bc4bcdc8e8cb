// The MaxPool3D, MaxPool3DGrad, Sum and Mean kernels that wasm and webgpu register in place of the stock ones
// (or fall back to them for attributes they do not cover) against the pure-JS cpu backend.
import { expect, it } from 'vitest';
import { describeWithFlags, EXACT } from '../test-backends/envs.js';
import { expectAllClose, onCpuAndEnv, randomTensor, type Shape5 } from '../test-backends/run.js';
import * as tf from '../tf.js';

// [x shape, window, stride]: odd sides, 1 to 8 channels, overlapping windows (stride < window) and gaps
const POOLS: [Shape5, number, number][] = [
  [[1, 4, 4, 4, 1], 2, 2],
  [[2, 7, 5, 9, 3], 2, 2],
  [[3, 6, 7, 5, 5], 2, 2],
  [[2, 7, 6, 8, 4], 3, 2],
  [[1, 6, 6, 6, 2], 2, 1],
  [[2, 7, 6, 5, 3], 2, 2],
  [[1, 6, 9, 7, 8], 3, 3],
  [[1, 5, 6, 7, 1], 2, 3],
];

/** maxPool3d(x) and its gradient for sum(maxPool3d(x) * dy). */
function poolAndGrad(
  x: tf.Tensor,
  dy: (shape: number[]) => tf.Tensor,
  size: number,
  stride: number,
  pad: 'valid' | 'same',
) {
  const pool = (a: tf.Tensor) => tf.maxPool3d(a as tf.Tensor5D, size, stride, pad);
  const y = pool(x);
  const g = dy(y.shape);
  return [y, tf.grad((a: tf.Tensor) => tf.sum(tf.mul(pool(a), g)))(x)];
}

describeWithFlags('MaxPool3D, MaxPool3DGrad, Sum and Mean', { envs: ['wasm', 'webgpu'] }, (env) => {
  it.each(POOLS)(
    'maxPool3d x %j window %d stride %d and its gradient equal cpu',
    async (xs, size, stride) => {
      const { ref, got } = await onCpuAndEnv(env, () =>
        // relu'd values: many ties (zeros), where the gradient's choice of position matters
        poolAndGrad(tf.relu(randomTensor(xs, 5, 0.5)), (s) => randomTensor(s, 6, 0.5), size, stride, 'valid'),
      );
      // the max and the gradient's routing are exact; where windows overlap (stride < window) an input's
      // gradient is a sum over its windows, in another order than cpu's
      expectAllClose(got, ref, stride < size ? env.tol : EXACT, ['y', 'dx']);
    },
  );

  it('MaxPool3DGrad sends ties to the last maximum, as the cpu backend', async () => {
    const values = new Float32Array(2 * 4 * 4 * 4 * 2).map((_, i) => (i % 3 === 0 ? 1 : 0));
    const { ref, got } = await onCpuAndEnv(env, () =>
      poolAndGrad(tf.tensor(values, [2, 4, 4, 4, 2]), (s) => tf.ones(s), 2, 2, 'valid'),
    );
    expectAllClose(got, ref, EXACT, ['y', 'dx']);
  });

  it('maxPool3d with SAME padding (a fallback) and its gradient equal cpu', async () => {
    const { ref, got } = await onCpuAndEnv(env, () =>
      poolAndGrad(randomTensor([2, 5, 5, 5, 3], 8, 0.5), (s) => tf.ones(s), 2, 2, 'same'),
    );
    expectAllClose(got, ref, env.tol, ['y', 'dx']);
  });

  const reductions: [number[], number[] | number, boolean][] = [
    [[2, 5, 4, 3, 7], [0, 1, 2, 3], false],
    [[2, 5, 4, 3, 7], [0, 1, 2, 3], true],
    [[3, 9, 5], [1, 0], false],
    [[2, 5, 4, 3, 7], [1, 2, 3], false],
    [[2, 5, 4, 3, 7], 4, true],
  ];
  it.each(reductions)('sum and mean of %j over %j keepDims %s equal cpu', async (shape, axis, keepDims) => {
    const { ref, got } = await onCpuAndEnv(env, () => {
      const x = randomTensor(shape, 9, 0.5);
      return [tf.sum(x, axis, keepDims), tf.mean(x, axis, keepDims)];
    });
    expect(got[0].shape).toEqual(ref[0].shape);
    expectAllClose(got, ref, env.tol, ['sum', 'mean']);
  });
});
