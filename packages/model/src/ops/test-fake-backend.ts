// Test support: a backend 'fake-ct3d' that is the cpu backend plus kernels a test registers under our ops'
// names, i.e. what a new backend module does. Imported by tests only.
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import * as tf from '../tf.js';
import type { OpKernelConfig } from './dispatch.js';

export const FAKE_BACKEND = 'fake-ct3d';

/** What the cpu backend offers a kernel: read an input, make an output. */
export interface CpuKernelBackend {
  readSync(dataId: tf.DataId): unknown;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array | Int32Array): tf.TensorInfo;
}

/** Registers 'fake-ct3d' with every cpu kernel plus `extra`, and makes it the active backend. */
export async function useFakeBackend(extra: OpKernelConfig[]): Promise<void> {
  tf.registerBackend(FAKE_BACKEND, () => new MathBackendCPU(), -1);
  for (const k of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...k, backendName: FAKE_BACKEND });
  for (const k of extra) tf.registerKernel({ ...k, backendName: FAKE_BACKEND });
  if (!(await tf.setBackend(FAKE_BACKEND))) throw new Error(`${FAKE_BACKEND}: setBackend failed`);
}

/** Back to cpu; removes the fake backend and its kernels. */
export async function removeFakeBackend(): Promise<void> {
  await tf.setBackend('cpu');
  for (const k of tf.getKernelsForBackend(FAKE_BACKEND)) tf.unregisterKernel(k.kernelName, FAKE_BACKEND);
  tf.removeBackend(FAKE_BACKEND);
}

/** A kernel's input by name (throws when absent). */
export function inputOf(inputs: tf.NamedTensorInfoMap, name: string): tf.TensorInfo {
  const t = inputs[name];
  if (t === undefined) throw new Error(`fake kernel: no input '${name}'`);
  return t;
}

/** The float32 values of a kernel's input. */
export function readInput(backend: unknown, inputs: tf.NamedTensorInfoMap, name: string): Float32Array {
  return (backend as CpuKernelBackend).readSync(inputOf(inputs, name).dataId) as Float32Array;
}

/** Deterministic values in [-1, 1) (an LCG), so every fake-backend test sees the same inputs. */
export function pseudoRandom(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}
