import { closeMismatch } from '@ct3d/test-support';
import { beforeAll, describe, expect, it } from 'vitest';
import { pseudoRandom, type Shape5, sizeOf } from '../../test-backends/run.js';
import * as tf from '../../tf.js';
import type { ConvGeom } from './conv3d-core.js';
import { expectWithinMagnitude, WINOGRAD_TOL } from './test-winograd-bound.js';
import { createWinograd, winograd, winogradApplies, winogradTile, winogradVariant } from './winograd.js';

/**
 * The cpu backend's forward, input gradient and filter gradient for x, w and an output gradient dy; with
 * abs, of |x|, |w| and |dy|: per element the sum of the magnitudes of the terms the result sums.
 */
function reference(xs: Shape5, fs: Shape5, x: Float32Array, w: Float32Array, dy: Float32Array, abs = false) {
  if (abs) [x, w, dy] = [x, w, dy].map((a) => a.map(Math.abs));
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

/**
 * Per element: |got - ref| <= tol * (|ref| + 0.5). The data are O(1) and float32 Winograd sums leave up to
 * ~0.3 tol absolute on elements that cancel to near zero; closeMismatch names the worst element.
 */
function expectClose(got: Float32Array, ref: Float32Array, tol: number): void {
  expect(closeMismatch(got, ref, { rtol: tol, atol: tol / 2 })).toBeNull();
}

const geomOf = (xs: Shape5, oc: number): ConvGeom => ({
  n: xs[0],
  d1: xs[1],
  d2: xs[2],
  d3: xs[3],
  c: xs[4],
  f1: 3,
  f2: 3,
  f3: 3,
  outC: oc,
});

/** maxPool2(relu(y + bias)) with the window index (ties to the last, -1 if no value > 0), from y in JS. */
function poolReference(g: ConvGeom, y: Float32Array, bias: Float32Array) {
  const o = [g.d1 - 2, g.d2 - 2, g.d3 - 2];
  const q = o.map((v) => Math.floor(v / 2));
  const c = g.outC;
  const pooled = new Float32Array(g.n * q[0] * q[1] * q[2] * c);
  const arg = new Int32Array(pooled.length).fill(-1);
  let p = 0;
  for (let n = 0; n < g.n; n++)
    for (let i = 0; i < q[0]; i++)
      for (let j = 0; j < q[1]; j++)
        for (let l = 0; l < q[2]; l++, p += c)
          for (let w = 0; w < 8; w++) {
            const [a, b, e] = [w >> 2, (w >> 1) & 1, w & 1];
            const src = (((n * o[0] + 2 * i + a) * o[1] + 2 * j + b) * o[2] + 2 * l + e) * c;
            for (let ch = 0; ch < c; ch++) {
              const v = Math.fround(y[src + ch] + bias[ch]);
              if (v > 0 && v >= pooled[p + ch]) {
                pooled[p + ch] = v;
                arg[p + ch] = w;
              }
            }
          }
  return { pooled, arg, q };
}

// odd and even output sizes, channel counts that are not multiples of 4 or 8, several samples
const cases = [
  [[1, 5, 6, 7, 1], 4],
  [[2, 7, 5, 9, 3], 5],
  [[1, 8, 9, 6, 6], 13],
  [[2, 6, 7, 8, 8], 16],
  [[1, 3, 4, 3, 9], 3],
  [[1, 9, 10, 11, 1], 64],
  [[1, 8, 7, 10, 24], 32],
] as [Shape5, number][];

const builds = [
  ['relaxed-simd', 2],
  ['simd', 2],
  ['relaxed-simd', 4],
  ['simd', 4],
] as const;

describe.each(builds)('Winograd kernels, %s build, F(%dx..., 3x3x3)', (build, tile) => {
  const wino = createWinograd(build, tile);
  const tol = WINOGRAD_TOL[tile];
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each(cases)('x %j, %d output channels: forward, input and filter gradients vs cpu', (xs, oc) => {
    const g = geomOf(xs, oc);
    expect(winogradApplies(g)).toBe(true);
    const x = pseudoRandom(sizeOf(xs), 1, 0.5);
    const w = pseudoRandom(27 * xs[4] * oc, 2, 0.5);
    const dy = pseudoRandom(xs[0] * (xs[1] - 2) * (xs[2] - 2) * (xs[3] - 2) * oc, 3, 0.5);
    const ref = reference(xs, [3, 3, 3, xs[4], oc], x, w, dy);
    const mag = reference(xs, [3, 3, 3, xs[4], oc], x, w, dy, true);
    let y = new Float32Array(0);
    wino.forward(g, x, w, (out) => {
      y = out.slice();
    });
    expectWithinMagnitude(y, ref.y, mag.y, tol);
    const dx = new Float32Array(x.length);
    wino.inputGrad(g, dy, w, dx);
    expectWithinMagnitude(dx, ref.dx, mag.dx, tol);
    expectWithinMagnitude(wino.filterGrad(g, x, dy), ref.dw, mag.dw, tol);
  });

  // the fused block (1 channel: the direct kernels, tested with F2): pooled forward, and gradients from the
  // packed pooled gradient equal to those from the scattered full-size gradient (the same tile size)
  it.each(cases.filter(([xs]) => xs.slice(1, 4).every((d) => d >= 4) && (tile === 2 || xs[4] > 1)))(
    'x %j, %d output channels: pooled forward and gradients from the pooled gradient',
    (xs, oc) => {
      const g = geomOf(xs, oc);
      const x = pseudoRandom(sizeOf(xs), 4, 0.5);
      const w = pseudoRandom(27 * xs[4] * oc, 5, 0.5);
      const bias = pseudoRandom(oc, 6, 0.5);
      let y = new Float32Array(0);
      wino.forward(g, x, w, (out) => {
        y = out.slice();
      });
      const ref = poolReference(g, y, bias);
      const pooled = new Float32Array(ref.pooled.length);
      const arg = new Int32Array(ref.pooled.length);
      wino.forwardPool(g, x, w, bias, pooled, arg);
      expectClose(pooled, ref.pooled, 1e-6);
      let ties = 0;
      for (let i = 0; i < arg.length; i++) if (arg[i] !== ref.arg[i]) ties++;
      expect(ties).toBe(0);
      // packed pooled gradient, and the same gradient scattered to full size
      const dyPooled = pseudoRandom(pooled.length, 7, 0.5);
      const packed = new Float32Array(2 * pooled.length);
      const packedBits = new Int32Array(packed.buffer);
      const full = new Float32Array(y.length);
      const o = [g.d1 - 2, g.d2 - 2, g.d3 - 2];
      const [q1, q2, q3] = ref.q;
      const per = q1 * q2 * q3 * oc; // floats a sample: packed is [dy | arg] per sample
      const dBias = new Float64Array(oc);
      for (let p = 0, v = 0; v < q1 * q2 * q3 * g.n; v++)
        for (let ch = 0; ch < oc; ch++, p++) {
          const r = Math.floor(p / oc);
          const s = Math.floor(p / per);
          packed[s * per + p] = dyPooled[p];
          packedBits[(s + 1) * per + p] = arg[p];
          if (arg[p] < 0) continue;
          dBias[ch] += dyPooled[p];
          const [l, j, i, n] = [
            r % q3,
            Math.floor(r / q3) % q2,
            Math.floor(r / q3 / q2) % q1,
            Math.floor(r / q3 / q2 / q1),
          ];
          const [a, b, e] = [arg[p] >> 2, (arg[p] >> 1) & 1, arg[p] & 1];
          full[(((n * o[0] + 2 * i + a) * o[1] + 2 * j + b) * o[2] + 2 * l + e) * oc + ch] = dyPooled[p];
        }
      const dwb = wino.filterGrad(g, x, packed, true); // dW, then the bias gradient
      // tiles in another order (the pooled part only): sums regrouped
      expectClose(dwb.subarray(0, dwb.length - oc), wino.filterGrad(g, x, full), tile === 2 ? 1e-5 : 3e-5);
      expectClose(dwb.subarray(dwb.length - oc), Float32Array.from(dBias), 1e-6);
      if (g.c > 1) {
        const dxPooled = new Float32Array(x.length);
        const dxFull = new Float32Array(x.length);
        wino.inputGrad(g, packed, w, dxPooled, true);
        wino.inputGrad(g, full, w, dxFull);
        expectClose(dxPooled, dxFull, 1e-6);
      }
    },
  );
});

describe('winogradTile', () => {
  it("is F(4x4x4) for the seed's conv2 and conv3, F(2x2x2) for its conv4 (a few tiles), a sample a call", () => {
    const g: ConvGeom = { n: 1, d1: 63, d2: 63, d3: 31, c: 64, f1: 3, f2: 3, f3: 3, outC: 64 };
    expect(winogradTile(g, true)).toBe(4); // 128x128x64
    expect(winogradTile({ ...g, d1: 30, d2: 30, d3: 14, outC: 128 }, true)).toBe(4);
    expect(winogradTile({ ...g, d1: 14, d2: 14, d3: 6, c: 128, outC: 256 }, true)).toBe(2);
    expect(winogradTile({ ...g, d1: 14, d2: 14, d3: 10, outC: 128 }, true)).toBe(4); // 64x64x48
    expect(winogradTile({ ...g, d1: 6, d2: 6, d3: 4, c: 128, outC: 256 }, true)).toBe(2);
  });
});

describe('winogradApplies', () => {
  it('is false for other filter sizes or outputs thinner than one voxel', () => {
    const g: ConvGeom = { n: 1, d1: 5, d2: 5, d3: 5, c: 2, f1: 3, f2: 3, f3: 3, outC: 2 };
    expect(winogradApplies(g)).toBe(true);
    expect(winogradApplies({ ...g, f2: 2 })).toBe(false);
    expect(winogradApplies({ ...g, d3: 2 })).toBe(false);
  });

  it('runs the relaxed-SIMD build on this Node (V8 flag set at load)', () => {
    winograd();
    expect(winogradVariant).toBe(process.env.CT3D_RELAXED_SIMD === '0' ? 'simd' : 'relaxed-simd');
  });
});
