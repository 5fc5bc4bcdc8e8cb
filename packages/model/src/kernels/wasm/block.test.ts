// The conv block op where wasm runs it with Winograd F(4x4x4) (a sample a thread), against the plain ops on
// cpu: within the F4 bound times the magnitude sums (the other block shapes: ops/conv3d-bias-relu-pool.test.ts).
import { expect, it } from 'vitest';
import { conv3dBiasReluPool } from '../../ops/index.js';
import { describeWithFlags } from '../../test-backends/envs.js';
import { expectClose, pseudoRandom, runOn, type Shape5, sizeOf } from '../../test-backends/run.js';
import * as tf from '../../tf.js';
import { expectWithinMagnitude, WINOGRAD_TOL } from './test-winograd-bound.js';
import { winogradTile } from './winograd.js';

describeWithFlags('conv3dBiasReluPool where Winograd F(4x4x4) runs', { envs: ['wasm'] }, (env) => {
  it('value and gradients of x, filter, bias within the F4 bound times the magnitude sums', async () => {
    const xs: Shape5 = [2, 14, 13, 10, 8];
    const fs: Shape5 = [3, 3, 3, 8, 8];
    const g = { n: 1, d1: 14, d2: 13, d3: 10, c: 8, f1: 3, f2: 3, f3: 3, outC: 8 };
    expect(winogradTile(g, true)).toBe(4);
    const data = (shape: number[], seed: number) => pseudoRandom(sizeOf(shape), seed, 0.5);
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
      return [f(xt, wt, bt), ...grads];
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
      return [y, dx, dw];
    };
    const ref = (await runOn('cpu', () => run(false))).map((r) => r.values);
    const mag = (await runOn('cpu', magnitudes)).map((r) => r.values);
    const got = (await runOn(env.backendName, () => run(true))).map((r) => r.values);
    // the gradient is sparse (one winner a window): floor 1e-2 of the largest magnitude (1.5e-3 measured)
    for (let i = 0; i < 3; i++) expectWithinMagnitude(got[i], ref[i], mag[i], WINOGRAD_TOL[4], 1e-2);
    expectClose(got[3], ref[3], env.tol); // the bias gradient: sums of dy, no transform
  });
});
