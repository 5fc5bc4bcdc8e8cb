// ReLU gradient in one pass: dx = x > 0 ? dy : 0. The stock gradient builds step(x) and then multiplies,
// a full-size temporary (480 MiB for the first conv at 128x128x64, batch 2) that pushes the 4 GiB wasm
// heap over the edge at full size. Registered as kernel 'Ct3dReluGrad' on wasm; other backends keep the
// stock formula.
import {
  cast,
  engine,
  type GradConfig,
  getBackend,
  type KernelConfig,
  type KernelFunc,
  mul,
  step,
  type Tensor,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { heapFor } from './conv3d.js';
import type { KernelArgs } from './heap.js';

export const RELU_GRAD = 'Ct3dReluGrad';

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

/** Relu's gradient: the one-pass kernel on wasm (float32), tfjs's own formula elsewhere. */
export const reluGradConfigGrad: GradConfig = {
  kernelName: 'Relu',
  inputsToSave: ['x'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
    const [x] = saved;
    const g = dy as Tensor;
    const fast = getBackend() === 'wasm' && x.dtype === 'float32' && g.dtype === 'float32';
    return {
      x: () =>
        fast ? (engine().runKernel(RELU_GRAD, { dy: g, x }) as Tensor) : mul(g, step(cast(x, 'float32'))),
    };
  },
};
