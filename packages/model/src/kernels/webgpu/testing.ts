// Test helpers: one process holds the cpu reference backend and the webgpu backend under test.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { closeMismatch, toolAvailable } from '@ct3d/test-support';
import type { WebGPUInfo } from './adapter-info.js';
import { createWebGPU } from './device.js';
import { registerWebGPUKernels } from './index.js';

/** Creates WebGPU and registers our kernels; null (with a loud warning) when no adapter exists. */
export async function setupWebGPU(): Promise<WebGPUInfo | null> {
  let info: WebGPUInfo;
  try {
    info = await createWebGPU();
  } catch (err) {
    toolAvailable('gpu', false, 'the WebGPU kernel tests', (err as Error).message);
    return null;
  }
  await import('@tensorflow/tfjs-backend-webgpu');
  registerWebGPUKernels();
  return info;
}

/** Deterministic uniform values in [-1, 1). */
export function randomArray(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 2147483648 - 1;
  }
  return out;
}

export type Inputs = Record<string, { values: Float32Array; shape: number[] }>;

/** Runs `op` on fresh tensors on one backend and reads the result asynchronously. */
export async function runOn(
  backend: 'cpu' | 'webgpu',
  inputs: Inputs,
  op: (t: Record<string, tf.Tensor>) => tf.Tensor,
): Promise<{ shape: number[]; values: Float32Array }> {
  await tf.setBackend(backend);
  const tensors = Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => [k, tf.tensor(v.values, v.shape)]),
  );
  const y = op(tensors);
  const values = (await y.data()) as Float32Array;
  const shape = y.shape;
  tf.dispose([y, ...Object.values(tensors)]);
  return { shape, values };
}

/** max |a - b| / max |b|: the error relative to the reference's scale. */
export function relativeError(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let err = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  if (Number.isNaN(err)) return Number.POSITIVE_INFINITY;
  return scale === 0 ? err : err / scale;
}

/**
 * Default bound of the WebGPU kernel tests against cpu: per element, atol + rtol * |expected| (the atol for
 * elements that cancel to near zero: conv sums of O(1) data leave up to ~3e-6 there; 1e-6 fails).
 */
export const WEBGPU_TOL = { rtol: 1e-4, atol: 1e-5 };

/**
 * Runs `op` on cpu then webgpu; returns both results, the error relative to the largest value (`rel`) and
 * closeMismatch's report of the elements outside `tol` (`mismatch`, null when none).
 */
export async function compareBackends(
  inputs: Inputs,
  op: (t: Record<string, tf.Tensor>) => tf.Tensor,
  tol = WEBGPU_TOL,
) {
  const cpu = await runOn('cpu', inputs, op);
  const gpu = await runOn('webgpu', inputs, op);
  const mismatch = closeMismatch(gpu.values, cpu.values, tol);
  return { cpu, gpu, rel: relativeError(gpu.values, cpu.values), mismatch };
}

export { tf };
