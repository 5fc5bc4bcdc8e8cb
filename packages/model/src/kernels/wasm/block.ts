// The conv block op's kernels on 'wasm' (ops/conv3d-bias-relu-pool.ts: maxPool3d(relu(conv3d + bias))): the
// conv output is a transient buffer; the forward keeps the pooled output plus one int32 window index per
// pooled value, and the two gradient kernels read the pooled gradient through those indices. Where Winograd
// applies they take it packed (no full-size scattered dConv); elsewhere they scatter dy into a transient
// dConv and run the Conv3D gradient kernels on it.
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import {
  CONV_BLOCK,
  CONV_BLOCK_FILTER_GRAD,
  CONV_BLOCK_INPUT_GRAD,
  supportsBlockGrad,
} from '../../ops/conv3d-bias-relu-pool.js';
import type { OpKernelConfig } from '../../ops/dispatch.js';
import { blockGradFused, pooledDims } from './block-core.js';
import { conv3DBackpropFilter, conv3DBackpropInput, geom, heapFor } from './conv3d.js';
import type { Heap, KernelArgs } from './heap.js';
import { runSplit } from './threads.js';

const STRIDES = [1, 1, 1];

function blockForward({ inputs, backend, attrs = {} }: KernelArgs): TensorInfo[] {
  const { x, filter, bias } = inputs;
  const pool = attrs.poolSize as number;
  const heap = heapFor(backend);
  const g = geom(x.shape, filter.shape);
  const shape = [g.n, ...pooledDims(g, pool), g.outC];
  const out = heap.backend.makeOutput(shape, 'float32');
  const arg = heap.backend.makeOutput(shape, 'int32');
  const argPtr = heap.offsetOf(arg);
  const biasPtr = heap.offsetOf(bias);
  runSplit(heap, 'block', g, heap.offsetOf(x), heap.offsetOf(filter), heap.idOf(filter), heap.offsetOf(out), {
    biasPtr,
    pool,
    argPtr,
  });
  return [out, arg];
}

/** dConv[n, o1, o2, o3, c]: dy scattered to each window's winning position (zero elsewhere). */
function scatter(heap: Heap, dy: TensorInfo, arg: TensorInfo, p: number, convShape: number[]): TensorInfo {
  const out = heap.backend.makeOutput(convShape, 'float32');
  const h = heap.f32;
  const hi = new Int32Array(h.buffer);
  const [n0, o1, o2, o3, c] = convShape;
  const oF = heap.offsetOf(out) >>> 2;
  h.fill(0, oF, oF + n0 * o1 * o2 * o3 * c);
  const q = [dy.shape[1], dy.shape[2], dy.shape[3]];
  let dF = heap.offsetOf(dy) >>> 2;
  let aF = heap.offsetOf(arg) >>> 2;
  for (let n = 0; n < n0; n++)
    for (let i = 0; i < q[0]; i++)
      for (let j = 0; j < q[1]; j++)
        for (let l = 0; l < q[2]; l++, dF += c, aF += c)
          for (let ch = 0; ch < c; ch++) {
            const w = hi[aF + ch];
            if (w < 0) continue;
            const a = Math.floor(w / (p * p));
            const b = Math.floor(w / p) % p;
            const e = w % p;
            h[oF + (((n * o1 + i * p + a) * o2 + j * p + b) * o3 + l * p + e) * c + ch] += h[dF + ch];
          }
  return out;
}

/** dBias[c] = sum of dy over the windows whose max passed relu (8x fewer reads than summing dConv). */
function biasGrad(heap: Heap, dy: TensorInfo, arg: TensorInfo): TensorInfo {
  const c = dy.shape[4];
  const rows = dy.shape.reduce((a, b) => a * b, 1) / c;
  const acc = new Float64Array(c);
  const h = heap.f32;
  const hi = new Int32Array(h.buffer);
  let dF = heap.offsetOf(dy) >>> 2;
  let aF = heap.offsetOf(arg) >>> 2;
  for (let r = 0; r < rows; r++, dF += c, aF += c)
    for (let ch = 0; ch < c; ch++) if (hi[aF + ch] >= 0) acc[ch] += h[dF + ch];
  const out = heap.backend.makeOutput([c], 'float32');
  heap.f32.set(acc, heap.offsetOf(out) >>> 2);
  return out;
}

/**
 * The packed pooled gradient: per sample, dy [q1, q2, q3, c] then arg's int32s in the same layout (bit for
 * bit), so that each sample's part is contiguous for the worker thread: two block copies a sample.
 */
function pack(heap: Heap, dy: TensorInfo, arg: TensorInfo): TensorInfo {
  const n = dy.shape[0];
  const per = dy.shape.reduce((a, b) => a * b, 1) / n;
  const out = heap.backend.makeOutput([n, 2, ...dy.shape.slice(1)], 'float32');
  const h = new Int32Array(heap.f32.buffer);
  const [dyF, argF, outF] = [dy, arg, out].map((t) => heap.offsetOf(t) >>> 2);
  for (let s = 0; s < n; s++) {
    h.copyWithin(outF + 2 * s * per, dyF + s * per, dyF + (s + 1) * per);
    h.copyWithin(outF + (2 * s + 1) * per, argF + s * per, argF + (s + 1) * per);
  }
  return out;
}

/** Runs f on a transient tensor, freed afterwards. */
function using<T>(heap: Heap, t: TensorInfo, f: (t: TensorInfo) => T): T {
  try {
    return f(t);
  } finally {
    heap.backend.disposeData(t.dataId);
  }
}

const convShapeOf = (x: number[], filter: number[]): number[] => [
  x[0],
  ...[1, 2, 3].map((k) => x[k] - filter[k - 1] + 1),
  filter[4],
];

/** [dW, dBias] of the block: one Winograd pass over the packed pooled gradient, or scatter + Conv3D grads. */
function blockFilterGrad({ inputs, backend, attrs = {} }: KernelArgs): TensorInfo[] {
  const { x, dy, arg } = inputs;
  const heap = heapFor(backend);
  const filterShape = attrs.filterShape as number[];
  const pool = attrs.poolSize as number;
  const g = geom(x.shape, filterShape);
  if (!blockGradFused(g, pool)) {
    const dw = using(heap, scatter(heap, dy, arg, pool, convShapeOf(x.shape, filterShape)), (conv) =>
      conv3DBackpropFilter({
        inputs: { x, dy: conv },
        backend,
        attrs: { strides: STRIDES, pad: 'valid', filterShape },
      }),
    );
    return [dw, biasGrad(heap, dy, arg)];
  }
  const both = using(
    heap,
    pack(heap, dy, arg),
    (packed) => runSplit(heap, 'blockFilterGrad', g, heap.offsetOf(x), heap.offsetOf(packed), 0, 0)!,
  );
  const wSize = both.length - g.outC;
  const dw = heap.backend.makeOutput(filterShape, 'float32');
  const dBias = heap.backend.makeOutput([g.outC], 'float32');
  heap.f32.set(both.subarray(0, wSize), heap.offsetOf(dw) >>> 2);
  heap.f32.set(both.subarray(wSize), heap.offsetOf(dBias) >>> 2);
  return [dw, dBias];
}

/** dx of the block: Winograd from the packed pooled gradient, or scatter + the Conv3D input gradient. */
function blockInputGrad({ inputs, backend, attrs = {} }: KernelArgs): TensorInfo {
  const { dy, arg, filter } = inputs;
  const heap = heapFor(backend);
  const inputShape = attrs.inputShape as number[];
  const pool = attrs.poolSize as number;
  const g = geom(inputShape, filter.shape);
  if (!blockGradFused(g, pool)) {
    return using(heap, scatter(heap, dy, arg, pool, convShapeOf(inputShape, filter.shape)), (conv) =>
      conv3DBackpropInput({
        inputs: { dy: conv, filter },
        backend,
        attrs: { strides: STRIDES, pad: 'valid', inputShape },
      }),
    );
  }
  const out = heap.backend.makeOutput(inputShape, 'float32');
  using(heap, pack(heap, dy, arg), (packed) =>
    runSplit(heap, 'blockInputGrad', g, heap.offsetOf(packed), heap.offsetOf(filter), 0, heap.offsetOf(out)),
  );
  return out;
}

const config = (kernelName: string, f: (a: KernelArgs) => TensorInfo | TensorInfo[]): OpKernelConfig => ({
  kernelName,
  backendName: 'wasm',
  kernelFunc: f as unknown as KernelFunc,
});

export const blockConfigs: OpKernelConfig[] = [
  config(CONV_BLOCK, blockForward),
  { ...config(CONV_BLOCK_FILTER_GRAD, blockFilterGrad), supports: supportsBlockGrad },
  { ...config(CONV_BLOCK_INPUT_GRAD, blockInputGrad), supports: supportsBlockGrad },
];
