// The reluGrad op's kernel on 'wasm' (ops/relu-grad.ts): dx = x > 0 ? dy : 0 in one pass over the heap,
// without the full-size step(x) temporary of tfjs's formula (480 MiB for the first conv at 128x128x64, batch 2).
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { RELU_GRAD } from '../../ops/relu-grad.js';
import { heapFor } from './conv3d.js';
import type { KernelArgs } from './heap.js';

function reluGradKernel({ inputs, backend }: KernelArgs): TensorInfo {
  const { dy, x } = inputs;
  const heap = heapFor(backend);
  const out = heap.backend.makeOutput(x.shape, 'float32');
  const h = heap.f32;
  const size = x.shape.reduce((a, b) => a * b, 1);
  const xF = heap.offsetOf(x) >>> 2;
  const dyF = heap.offsetOf(dy) >>> 2;
  const oF = heap.offsetOf(out) >>> 2;
  for (let i = 0; i < size; i++) h[oF + i] = h[xF + i] > 0 ? h[dyF + i] : 0;
  return out;
}

export const reluGradConfig: KernelConfig = {
  kernelName: RELU_GRAD,
  backendName: 'wasm',
  kernelFunc: reluGradKernel as unknown as KernelFunc,
};
