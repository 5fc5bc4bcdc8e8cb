// relu(conv3d(x, filter, VALID) + bias) as one kernel ('Ct3dConv3DBiasRelu') that keeps only its output.
// Under autodiff tfjs keeps every intermediate of a training step until backprop ends: as three ops
// (Conv3D, BiasAdd, Relu) the first block holds 3 x 481 MiB at 128x128x64, batch 2, and the step no
// longer fits the 4 GiB wasm heap. The gradient masks dy with y > 0 (same as z > 0 for y = relu(z)),
// then reuses the Conv3D gradient kernels; each input's gradient is lazy, so the first layer never
// computes the (unused, 1-channel) input gradient.
import {
  add,
  conv3d,
  engine,
  type GradConfig,
  getBackend,
  type KernelConfig,
  type KernelFunc,
  mul,
  relu,
  step,
  sum,
  type Tensor,
  type Tensor1D,
  type Tensor5D,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { geom, heapFor, validConvGrads } from './conv3d.js';
import type { KernelArgs } from './heap.js';
import { RELU_GRAD } from './relu-grad.js';
import { runSplit } from './threads.js';

export const CONV3D_BIAS_RELU = 'Ct3dConv3DBiasRelu';

function fusedKernel({ inputs, backend }: KernelArgs): TensorInfo {
  const { x, filter, bias } = inputs;
  const heap = heapFor(backend);
  const g = geom(x.shape, filter.shape);
  const shape = [g.n, g.d1 - g.f1 + 1, g.d2 - g.f2 + 1, g.d3 - g.f3 + 1, g.outC];
  const out = heap.backend.makeOutput(shape, 'float32');
  runSplit(
    heap,
    'forward',
    g,
    heap.offsetOf(x),
    heap.offsetOf(filter),
    heap.idOf(filter),
    heap.offsetOf(out),
  );
  const h = heap.f32;
  const oF = heap.offsetOf(out) >>> 2;
  const bF = heap.offsetOf(bias) >>> 2;
  const c = g.outC;
  const rows = shape.reduce((a, b) => a * b, 1) / c;
  for (let r = 0, p = oF; r < rows; r++, p += c) {
    for (let ch = 0; ch < c; ch++) {
      const v = h[p + ch] + h[bF + ch];
      h[p + ch] = Math.max(v, 0);
    }
  }
  return out;
}

export const fusedConfig: KernelConfig = {
  kernelName: CONV3D_BIAS_RELU,
  backendName: 'wasm',
  kernelFunc: fusedKernel as unknown as KernelFunc,
};

function maskWithOutput(dy: Tensor, y: Tensor): Tensor {
  return getBackend() === 'wasm' ? (engine().runKernel(RELU_GRAD, { dy, x: y }) as Tensor) : mul(dy, step(y));
}

export const fusedGradConfig: GradConfig = {
  kernelName: CONV3D_BIAS_RELU,
  inputsToSave: ['x', 'filter'],
  outputsToSave: [true],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
    const [x, filter, y] = saved;
    const g = maskWithOutput(dy as Tensor, y);
    return {
      ...validConvGrads(x, filter, g),
      bias: () => sum(g, [0, 1, 2, 3]),
    };
  },
};

/** relu(conv3d(x, filter, 1, 'valid') + bias), NDHWC: one fused kernel on wasm, plain ops elsewhere. */
export function conv3dBiasRelu(x: Tensor5D, filter: Tensor5D, bias: Tensor1D): Tensor5D {
  const fast = getBackend() === 'wasm' && [x, filter, bias].every((t) => t.dtype === 'float32');
  if (fast) return engine().runKernel(CONV3D_BIAS_RELU, { x, filter, bias }) as Tensor5D;
  return relu(add(conv3d(x, filter, 1, 'valid'), bias)) as Tensor5D;
}
