import { beforeAll, describe, expect, it } from 'vitest';
import type { ConvGeom } from './conv3d-core.js';
import { rand, relErr, type Shape5, tf } from './test-util.js';
import { winograd, winogradApplies } from './winograd.js';

/** The cpu backend's forward, input gradient and filter gradient for x, w and an output gradient dy. */
function reference(xs: Shape5, fs: Shape5, x: Float32Array, w: Float32Array, dy: Float32Array) {
  return tf.tidy(() => {
    const xt = tf.tensor(x, xs) as tf.Tensor5D;
    const wt = tf.tensor(w, fs) as tf.Tensor5D;
    const y = tf.conv3d(xt, wt, 1, 'valid');
    const dyt = tf.tensor(dy, y.shape);
    const f = (a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv3d(a as tf.Tensor5D, b as tf.Tensor5D, 1, 'valid'), dyt));
    const [dx, dw] = tf.grads(f)([xt, wt]);
    const f32 = (t: tf.Tensor) => t.dataSync() as Float32Array;
    return { y: f32(y).slice(), dx: f32(dx).slice(), dw: f32(dw).slice() };
  });
}

/** Per element: |got - ref| <= tol * (|ref| + max |ref|), i.e. relative plus absolute at the data's scale. */
function expectClose(got: Float32Array, ref: Float32Array, tol: number): void {
  expect(got.length).toBe(ref.length);
  let scale = 0;
  for (const v of ref) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < ref.length; i++)
    worst = Math.max(worst, Math.abs(got[i] - ref[i]) / (Math.abs(ref[i]) + scale));
  expect(worst).toBeLessThan(tol);
  expect(relErr(got, ref)).toBeLessThan(tol);
}

describe('Winograd F(2x2x2, 3x3x3) kernels vs the cpu backend', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  // odd and even output sizes, channel counts that are not multiples of 4 or 8, several samples
  it.each([
    [[1, 5, 6, 7, 1], 4],
    [[2, 7, 5, 9, 3], 5],
    [[1, 8, 9, 6, 6], 13],
    [[2, 6, 7, 8, 8], 16],
    [[1, 3, 4, 3, 9], 3],
    [[1, 9, 10, 11, 1], 64],
  ] as [Shape5, number][])('x %j, %d output channels: forward, input and filter gradients', (xs, oc) => {
    const fs: Shape5 = [3, 3, 3, xs[4], oc];
    const g: ConvGeom = {
      n: xs[0],
      d1: xs[1],
      d2: xs[2],
      d3: xs[3],
      c: xs[4],
      f1: 3,
      f2: 3,
      f3: 3,
      outC: oc,
    };
    expect(winogradApplies(g)).toBe(true);
    const x = rand(
      xs.reduce((a, b) => a * b),
      1,
    );
    const w = rand(27 * xs[4] * oc, 2);
    const ySize = xs[0] * (xs[1] - 2) * (xs[2] - 2) * (xs[3] - 2) * oc;
    const dy = rand(ySize, 3);
    const ref = reference(xs, fs, x, w, dy);
    let y = new Float32Array(0);
    winograd().forward(g, x, w, (out) => {
      y = out.slice();
    });
    expectClose(y, ref.y, 1e-5);
    const dx = new Float32Array(x.length);
    winograd().inputGrad(g, dy, w, dx);
    expectClose(dx, ref.dx, 1e-5);
    expectClose(winograd().filterGrad(g, x, dy), ref.dw, 1e-5);
  });

  it('does not apply to other filter sizes or outputs thinner than one voxel', () => {
    const g: ConvGeom = { n: 1, d1: 5, d2: 5, d3: 5, c: 2, f1: 3, f2: 3, f3: 3, outC: 2 };
    expect(winogradApplies(g)).toBe(true);
    expect(winogradApplies({ ...g, f2: 2 })).toBe(false);
    expect(winogradApplies({ ...g, d3: 2 })).toBe(false);
  });
});
