import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getConvThreads, setConvThreads } from './index.js';
import { expectClose, onBoth, rand, type Shape5, tf, useWasmWithFastKernels } from './test-util.js';

/** Conv forward plus both gradients through autodiff, as plain arrays. */
function convGrads(xs: Shape5, fs: Shape5) {
  const x = tf.tensor(
    rand(
      xs.reduce((a, b) => a * b),
      21,
    ),
    xs,
  ) as tf.Tensor5D;
  const w = tf.tensor(
    rand(
      fs.reduce((a, b) => a * b),
      22,
    ),
    fs,
  ) as tf.Tensor5D;
  const f = (a: tf.Tensor, b: tf.Tensor) =>
    tf.sum(tf.square(tf.conv3d(a as tf.Tensor5D, b as tf.Tensor5D, 1, 'valid')));
  const y = tf.conv3d(x, w, 1, 'valid');
  return [y, ...tf.grads(f)([x, w])].map((t) => t.dataSync().slice());
}

describe('conv kernels split over two threads (worker with its own wasm instance)', () => {
  beforeAll(useWasmWithFastKernels);
  afterAll(() => setConvThreads(2));

  it.each([1, 2] as const)('threads=%d matches cpu for odd batches and dims', async (threads) => {
    setConvThreads(threads);
    expect(getConvThreads()).toBe(threads);
    for (const [xs, fs] of [
      [
        [3, 7, 6, 9, 5],
        [3, 3, 3, 5, 7],
      ],
      [
        [2, 5, 8, 6, 1],
        [3, 3, 3, 1, 6],
      ],
    ] as [Shape5, Shape5][]) {
      const { ref, got } = await onBoth(() => convGrads(xs, fs));
      for (let i = 0; i < 3; i++) expectClose(got[i], ref[i]);
    }
  });
});
