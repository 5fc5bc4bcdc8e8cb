import { beforeAll, describe, expect, it } from 'vitest';
import { conv3dBiasReluPool } from '../../ops/index.js';
import {
  expectClose,
  expectWithinMagnitude,
  onBoth,
  rand,
  type Shape5,
  tf,
  useWasmWithFastKernels,
  WINOGRAD_TOL,
} from './test-util.js';
import { winogradTile } from './winograd.js';

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

describe('conv3dBiasReluPool where Winograd F(4x4x4) runs (a sample a thread), vs cpu', () => {
  beforeAll(useWasmWithFastKernels);

  it('value and gradients of x, filter, bias within the F4 bound times the magnitude sums', async () => {
    const xs: Shape5 = [2, 14, 13, 10, 8];
    const fs: Shape5 = [3, 3, 3, 8, 8];
    const g = { n: 1, d1: 14, d2: 13, d3: 10, c: 8, f1: 3, f2: 3, f3: 3, outC: 8 };
    expect(winogradTile(g, true)).toBe(4);
    const data = (shape: number[], seed: number) =>
      rand(
        shape.reduce((a, b) => a * b, 1),
        seed,
      );
    const [x, w, b] = [data(xs, 51), data(fs, 52), data([8], 53)];
    const py = [2, 6, 5, 4, 8];
    const dy = data(py, 54);
    // ref: the plain ops on cpu; got: the block's kernels on wasm; mag (cpu): per element the sum of the
    // magnitudes of its terms (an upper bound: the conv output's gradient is |dy| on all 8 window positions)
    const run = (block: boolean) => {
      const [xt, wt, bt] = [tf.tensor(x, xs), tf.tensor(w, fs), tf.tensor1d(b)] as [
        tf.Tensor5D,
        tf.Tensor5D,
        tf.Tensor1D,
      ];
      const dyt = tf.tensor(dy, py);
      const f = (a: tf.Tensor5D, c: tf.Tensor5D, e: tf.Tensor1D) =>
        block
          ? conv3dBiasReluPool(a, c, e)
          : tf.maxPool3d(tf.relu(tf.add(tf.conv3d(a, c, 1, 'valid'), e)) as tf.Tensor5D, 2, 2, 'valid');
      const grads = tf.grads((a: tf.Tensor, c: tf.Tensor, e: tf.Tensor) =>
        tf.sum(tf.mul(f(a as tf.Tensor5D, c as tf.Tensor5D, e as tf.Tensor1D), dyt)),
      )([xt, wt, bt]);
      return [f(xt, wt, bt), ...grads].map((t) => t.dataSync().slice());
    };
    // |dy| on every position of its pool window (Winograd mixes the positions of a tile, chosen or not)
    const o = [12, 11, 8];
    const dense = new Float32Array(2 * o[0] * o[1] * o[2] * 8);
    for (let p = 0; p < dense.length; p++) {
      const [c, l, j, i, n] = [
        p % 8,
        (p >> 3) % o[2],
        Math.floor(p / 8 / o[2]) % o[1],
        Math.floor(p / 8 / o[2] / o[1]) % o[0],
        Math.floor(p / 8 / o[2] / o[1] / o[0]),
      ];
      if (j >= 10) continue; // the last row is never pooled
      dense[p] = Math.abs(dy[(((n * 6 + (i >> 1)) * 5 + (j >> 1)) * 4 + (l >> 1)) * 8 + c]);
    }
    const magnitudes = () => {
      const [ax, aw] = [tf.tensor(x.map(Math.abs), xs), tf.tensor(w.map(Math.abs), fs)] as tf.Tensor5D[];
      const dyt = tf.tensor(dense, [2, ...o, 8]);
      const sumWith = (a: tf.Tensor, c: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv3d(a as tf.Tensor5D, c as tf.Tensor5D, 1, 'valid'), dyt));
      const [dx, dw] = tf.grads(sumWith)([ax, aw]);
      const y = tf.maxPool3d(
        tf.add(tf.conv3d(ax, aw, 1, 'valid'), tf.abs(tf.tensor1d(b))) as tf.Tensor5D,
        2,
        2,
        'valid',
      );
      return [y, dx, dw].map((t) => t.dataSync().slice());
    };
    const { ref } = await onBoth(() => run(false));
    const { got, ref: mag } = await onBoth(() => (tf.getBackend() === 'cpu' ? magnitudes() : run(true)));
    // the gradient is sparse (one winner a window): floor 1e-2 of the largest magnitude (1.5e-3 measured)
    for (let i = 0; i < 3; i++) expectWithinMagnitude(got[i], ref[i], mag[i], WINOGRAD_TOL[4], 1e-2);
    expectClose(got[3], ref[3]); // the bias gradient: sums of dy, no transform
  });
});
