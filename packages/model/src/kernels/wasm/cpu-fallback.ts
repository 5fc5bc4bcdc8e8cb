// Correct fallback for attributes the fast kernels do not cover: run the pure-JS cpu kernel on a copy.
// Never the stock wasm kernel: its Conv3D input gradient is wrong (indexing bug in its backprop).
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { getKernel, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import type { Heap } from './heap.js';

/** One pure-JS cpu backend per wasm heap (i.e. per wasm backend), made on first use. */
const cpuBackends = new WeakMap<Heap, MathBackendCPU>();

export function runOnCpu(
  kernelName: string,
  heap: Heap,
  inputs: Record<string, TensorInfo>,
  attrs: NamedAttrMap,
): TensorInfo {
  const kernel = getKernel(kernelName, 'cpu');
  if (!kernel) throw new Error(`${kernelName}: no cpu kernel to fall back on`);
  let backend = cpuBackends.get(heap);
  if (backend === undefined) {
    backend = new MathBackendCPU();
    cpuBackends.set(heap, backend);
  }
  const cpuInputs: Record<string, TensorInfo> = {};
  for (const [name, t] of Object.entries(inputs)) {
    const size = t.shape.reduce((a, b) => a * b, 1);
    const off = heap.offsetOf(t) >>> 2;
    const values = heap.f32.slice(off, off + size);
    cpuInputs[name] = { dataId: backend.write(values, t.shape, 'float32'), shape: t.shape, dtype: 'float32' };
  }
  const res = kernel.kernelFunc({ inputs: cpuInputs, backend, attrs }) as TensorInfo;
  const values = backend.readSync(res.dataId) as Float32Array;
  const out = heap.backend.makeOutput(res.shape, 'float32');
  heap.f32.set(values, heap.offsetOf(out) >>> 2);
  for (const t of Object.values(cpuInputs)) backend.disposeData(t.dataId);
  backend.disposeData(res.dataId);
  return out;
}
