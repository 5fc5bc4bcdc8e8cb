// Shared helpers for the kernel tests: deterministic data and the per-element bound of issue #12.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { closeMismatch } from '@ct3d/test-support';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { useWinograd } from './conv3d-core.js';
import { registerWasmKernels } from './index.js';
import { winogradTile } from './winograd.js';

export { tf };
export type Shape5 = [number, number, number, number, number];

export function rand(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    a[i] = s / 2 ** 32 - 0.5;
  }
  return a;
}

/**
 * Default bound of the kernel tests against the cpu backend: per element, atol + rtol * |expected|. The atol is
 * for elements that cancel to near zero (conv sums of O(1) data leave up to ~8e-6 there; 1e-6 fails).
 */
export const KERNEL_TOL = { rtol: 1e-4, atol: 1e-5 };

/** Every element of `actual` within tol.atol + tol.rtol * |expected| (closeMismatch names the worst one). */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: { rtol: number; atol: number } = KERNEL_TOL,
  label?: string,
): void {
  expect(closeMismatch(actual, expected, tol), label).toBeNull();
}

export async function useWasmWithFastKernels(): Promise<void> {
  await tf.setBackend('wasm');
  registerWasmKernels();
}

/** Runs `f` on cpu then on wasm (fast kernels) and returns both results as plain arrays. */
export async function onBoth<T>(f: () => T): Promise<{ ref: T; got: T }> {
  const run = (): T => {
    let out: T | undefined;
    tf.tidy(() => {
      out = f();
    });
    return out as T;
  };
  await tf.setBackend('cpu');
  const ref = run();
  await tf.setBackend('wasm');
  const got = run();
  return { ref, got };
}

/**
 * Forward, filter gradient and input gradient of a VALID stride-1 conv (output gradient rand(seed + 2)), as
 * plain arrays; abs: of |x|, |w| and |dy|, i.e. per element the sum of the magnitudes of its terms.
 */
export function convAll(xs: Shape5, fs: Shape5, seed: number, abs = false) {
  const data = (n: number, s: number) => (abs ? rand(n, s).map(Math.abs) : rand(n, s));
  const x = tf.tensor(
    data(
      xs.reduce((a, b) => a * b),
      seed,
    ),
    xs,
  ) as tf.Tensor5D;
  const w = tf.tensor(
    data(
      fs.reduce((a, b) => a * b),
      seed + 1,
    ),
    fs,
  ) as tf.Tensor5D;
  const y = tf.conv3d(x, w, 1, 'valid');
  const dy = tf.tensor(data(y.size, seed + 2), y.shape);
  const f = (a: tf.Tensor, b: tf.Tensor) =>
    tf.sum(tf.mul(tf.conv3d(a as tf.Tensor5D, b as tf.Tensor5D, 1, 'valid'), dy));
  const [dx, dw] = tf.grads(f)([x, w]);
  return { y: y.dataSync().slice(), dx: dx.dataSync().slice(), dw: dw.dataSync().slice() };
}

/**
 * Winograd's bound, times the sum of the magnitudes of an element's terms, per tile size: about twice the
 * largest error measured in winograd.test.ts (both builds): F2 2.3e-6, F4 1.3e-5. F(4x4x4)'s transforms
 * have coefficients up to 8 and 1/6, on 3 axes.
 */
export const WINOGRAD_TOL = { 2: 5e-6, 4: 3e-5 };

/**
 * Per element |got - ref| <= tol * (mag + floor), mag the sum of the magnitudes of the element's terms (the
 * classic bound of a float sum, scaled by the transforms' growth): holds at any channel count, where a bound
 * relative to |ref| would not (sums of many terms cancel). floor, a fraction of the largest mag (1e-3; more
 * for sparse gradients): a Winograd tile spreads its rounding over all its positions, also over those with
 * few or no terms of their own.
 */
export function expectWithinMagnitude(
  got: ArrayLike<number>,
  ref: ArrayLike<number>,
  mag: ArrayLike<number>,
  tol: number,
  floorFraction = 1e-3,
): void {
  expect(got.length).toBe(ref.length);
  let floor = 0;
  for (let i = 0; i < mag.length; i++) floor = Math.max(floor, floorFraction * mag[i]);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < got.length; i++) {
    const excess = Math.abs(got[i] - ref[i]) / (tol * (mag[i] + floor));
    if (!(excess <= worst)) [worst, at] = [excess, i]; // NaN fails
  }
  const msg = `worst [${at}]: ${got[at]} vs ${ref[at]}, |error| ${worst.toPrecision(3)} x ${tol} x magnitude`;
  expect(worst <= 1, msg).toBe(true);
}

/**
 * convAll on the wasm backend (fast kernels, as set up) against the cpu backend: KERNEL_TOL, or where
 * Winograd F(4x4x4) runs the conv, WINOGRAD_TOL[4] times the magnitude sums.
 */
export async function expectConvMatchesCpu(xs: Shape5, fs: Shape5, seed: number): Promise<void> {
  const { ref, got } = await onBoth(() => convAll(xs, fs, seed));
  const [n, d1, d2, d3, c] = xs;
  const g = { n, d1, d2, d3, c, f1: fs[0], f2: fs[1], f3: fs[2], outC: fs[4] };
  if (!(useWinograd(g) && winogradTile(g, false) === 4)) {
    for (const k of ['y', 'dw', 'dx'] as const) expectClose(got[k], ref[k], KERNEL_TOL, k);
    return;
  }
  await tf.setBackend('cpu');
  const mag = tf.tidy(() => convAll(xs, fs, seed, true));
  await tf.setBackend('wasm');
  for (const k of ['y', 'dw', 'dx'] as const) expectWithinMagnitude(got[k], ref[k], mag[k], WINOGRAD_TOL[4]);
}
