// Shared helpers for the kernel tests: deterministic data and the relative error the issue specifies.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
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

/** Max |a-b| relative to the largest |b| (1e-4 relative, as the issue asks). */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let num = 0;
  let den = 1e-12;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
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
