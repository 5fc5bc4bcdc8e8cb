import { closeMismatch } from '@ct3d/test-support';
import { getKernel, type KernelConfig, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectClose,
  expectConvMatchesCpu,
  onBoth,
  rand,
  type Shape5,
  tf,
  useWasmWithFastKernels,
} from './test-util.js';

const cases: [Shape5, Shape5][] = [
  [
    [1, 5, 6, 7, 1],
    [3, 3, 3, 1, 4],
  ],
  [
    [2, 7, 5, 9, 3],
    [3, 3, 3, 3, 5],
  ],
  [
    [3, 6, 6, 5, 5],
    [3, 2, 3, 5, 3],
  ],
  [
    [2, 9, 8, 7, 8],
    [3, 3, 3, 8, 16],
  ],
  [
    [1, 4, 5, 6, 5],
    [1, 1, 1, 5, 2],
  ],
  [
    [2, 8, 7, 6, 3],
    [2, 3, 1, 3, 1],
  ],
  [
    [1, 11, 9, 13, 1],
    [3, 3, 3, 1, 64],
  ],
];

describe('wasm Conv3D kernels vs the pure-JS cpu backend', () => {
  beforeAll(useWasmWithFastKernels);

  it.each(cases)('x %j filter %j: forward, filter and input gradients', async (xs, fs) => {
    await expectConvMatchesCpu(xs, fs, 7);
  });

  it('falls back to a correct kernel for SAME padding and strides', async () => {
    const { ref, got } = await onBoth(() => {
      const x = tf.tensor(rand(2 * 6 * 5 * 7 * 3, 3), [2, 6, 5, 7, 3]) as tf.Tensor5D;
      const w = tf.tensor(rand(3 * 3 * 3 * 3 * 4, 4), [3, 3, 3, 3, 4]) as tf.Tensor5D;
      const f = (a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.square(tf.conv3d(a as tf.Tensor5D, b as tf.Tensor5D, [1, 2, 1], 'same')));
      return tf
        .grads(f)([x, w])
        .map((t) => t.dataSync().slice());
    });
    expectClose(got[0], ref[0]);
    expectClose(got[1], ref[1]);
  });

  it('is right where the stock wasm Conv3DBackpropInputV2 is wrong', async () => {
    const xs: Shape5 = [2, 7, 6, 5, 4];
    const fs: Shape5 = [3, 3, 3, 4, 6];
    const dyShape: Shape5 = [2, 5, 4, 3, 6];
    const run = () => {
      const dy = tf.tensor(rand(2 * 5 * 4 * 3 * 6, 11), dyShape);
      const w = tf.tensor(rand(3 * 3 * 3 * 4 * 6, 12), fs);
      const attrs = { strides: [1, 1, 1], pad: 'valid', inputShape: xs };
      const dx = tf.engine().runKernel('Conv3DBackpropInputV2', { dy, filter: w }, attrs) as tf.Tensor;
      return dx.dataSync().slice();
    };
    const { ref, got } = await onBoth(run);
    expectClose(got, ref);
    // Swap the stock kernel back in for one call: it must disagree (that is why ours exists).
    const stock = stockKernels.get('Conv3DBackpropInputV2')!;
    const ours = getKernel('Conv3DBackpropInputV2', 'wasm')!;
    unregisterKernel('Conv3DBackpropInputV2', 'wasm');
    registerKernel(stock);
    try {
      // Far off or NaN (it reads heap memory it never wrote, so which depends on the kernels run before).
      expect(closeMismatch(run(), ref, { rtol: 1e-2, atol: 1e-2 })).not.toBeNull();
    } finally {
      unregisterKernel('Conv3DBackpropInputV2', 'wasm');
      registerKernel(ours);
    }
  });
});

// Captured at import, before useWasmWithFastKernels replaces them.
const stockKernels = new Map<string, KernelConfig>(
  ['Conv3DBackpropInputV2'].map((n) => [n, getKernel(n, 'wasm') as KernelConfig]),
);
