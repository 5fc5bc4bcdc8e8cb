// What kernel specs share: deterministic data, running one function on a backend and on cpu, and the bound.
import { closeMismatch } from '@ct3d/test-support';
import { expect } from 'vitest';
import * as tf from '../tf.js';
import type { KernelTestEnv, Tolerance } from './envs.js';

export type Shape5 = [number, number, number, number, number];

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Deterministic values in [-scale, scale) (an LCG): every backend, and every run, sees the same inputs. */
export function pseudoRandom(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 31 - 1) * scale;
  }
  return out;
}

/** A tensor of `shape` holding pseudoRandom values. */
export const randomTensor = (shape: number[], seed: number, scale = 1): tf.Tensor =>
  tf.tensor(pseudoRandom(sizeOf(shape), seed, scale), shape);

export interface Read {
  shape: number[];
  values: Float32Array;
}

/**
 * Runs `f` on `backend` (the tensors it makes live there), reads the tensors it returns asynchronously (webgpu
 * has no synchronous read) and disposes every tensor it made.
 */
export async function runOn(backend: string, f: () => tf.Tensor | tf.Tensor[]): Promise<Read[]> {
  if (!(await tf.setBackend(backend))) throw new Error(`setBackend('${backend}') failed`);
  tf.engine().startScope();
  try {
    const out = [f()].flat();
    return await Promise.all(
      out.map(async (t) => ({ shape: t.shape, values: (await t.data()) as Float32Array })),
    );
  } finally {
    tf.engine().endScope();
  }
}

/** `f` on the cpu backend (`ref`) and on the env's (`got`); the env's backend stays active. */
export async function onCpuAndEnv(
  env: KernelTestEnv,
  f: () => tf.Tensor | tf.Tensor[],
): Promise<{ ref: Read[]; got: Read[] }> {
  const ref = await runOn('cpu', f);
  const got = await runOn(env.backendName, f);
  return { ref, got };
}

/** Every element of `actual` within tol.atol + tol.rtol * |expected| (closeMismatch names the worst one). */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: Tolerance,
  label?: string,
): void {
  expect(closeMismatch(actual, expected, tol), label).toBeNull();
}

/** Shapes equal and values within `tol`, part by part (labels name the parts). */
export function expectAllClose(got: Read[], ref: Read[], tol: Tolerance, labels?: readonly string[]): void {
  expect(got.length).toBe(ref.length);
  got.forEach((g, i) => {
    const label = labels?.[i] ?? `output ${i}`;
    expect(g.shape, label).toEqual(ref[i].shape);
    expectClose(g.values, ref[i].values, tol, label);
  });
}

/** How many times each kernel ran during `f` (tf.profile's record, nested ops' kernels included). */
export async function kernelCounts(f: () => unknown): Promise<Map<string, number>> {
  const profile = await tf.profile(async () => {
    await f();
  });
  const counts = new Map<string, number>();
  for (const k of profile.kernels) counts.set(k.name, (counts.get(k.name) ?? 0) + 1);
  return counts;
}
