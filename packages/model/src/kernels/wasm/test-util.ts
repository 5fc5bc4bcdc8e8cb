// Shared helpers for the kernel tests: deterministic data and the per-element bound of issue #12.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { closeMismatch } from '@ct3d/test-support';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { registerWasmKernels } from './index.js';

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
