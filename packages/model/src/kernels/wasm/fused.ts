// The conv3d + bias + relu op's kernel on 'wasm' (ops/conv3d-bias-relu.ts): the conv, then bias and relu in
// place on its output, so that only the output is kept under autodiff.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { CONV3D_BIAS_RELU } from '../../ops/conv3d-bias-relu.js';
import { geom, heapFor } from './conv3d.js';
import type { KernelArgs } from './heap.js';
import { runSplit } from './threads.js';

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
