// The bound of wasm's Winograd kernels (winograd.ts) against the cpu backend: per element, a tolerance times
// the sum of the magnitudes of the element's terms. Used by the wasm kernel specs and the Winograd unit tests.
import { expect } from 'vitest';
import type { Shape5 } from '../../test-backends/run.js';
import { useWinograd } from './conv3d-core.js';
import { winogradTile } from './winograd.js';

/**
 * Winograd's bound, times the sum of the magnitudes of an element's terms, per tile size: about twice the
 * largest error measured in winograd.test.ts (both builds): F2 2.3e-6, F4 1.3e-5. F(4x4x4)'s transforms
 * have coefficients up to 8 and 1/6, on 3 axes.
 */
export const WINOGRAD_TOL = { 2: 5e-6, 4: 3e-5 };

/** Whether wasm runs a VALID stride-1 conv of x `xs` and filter `fs` (a whole batch a call) with F(4x4x4). */
export function runsWinogradF4(xs: Shape5, fs: Shape5): boolean {
  const [n, d1, d2, d3, c] = xs;
  const g = { n, d1, d2, d3, c, f1: fs[0], f2: fs[1], f3: fs[2], outC: fs[4] };
  return useWinograd(g) && winogradTile(g, false) === 4;
}

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
