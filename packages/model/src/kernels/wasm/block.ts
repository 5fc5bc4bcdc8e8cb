// maxPool3d(relu(conv3d(x, filter, VALID) + bias)) as one kernel ('Ct3dConvBlock'): the seed's
// Conv3D(relu) -> MaxPool3D pair. At 128x128x64, batch 2, the first conv's output is 481 MiB; as separate
// ops autodiff keeps it (and its relu, pool-gradient and relu-gradient siblings) alive and the step does
// not fit the 4 GiB wasm heap. Here the conv output is a transient buffer: the kernel keeps the pooled
// output plus one int32 window index per pooled value (-1 where the window max is <= 0, i.e. where
// relu blocks the gradient), and the gradient scatters dy back through it. Ties: last max, as the cpu
// backend's maxPool3d gradient.
import {
  add,
  conv3d,
  engine,
  type GradConfig,
  getBackend,
  type KernelConfig,
  type KernelFunc,
  maxPool3d,
  type NamedAttrMap,
  relu,
  type Tensor,
  type Tensor1D,
  type Tensor5D,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { blockGradFused, pooledDims } from './block-core.js';
import { geom, heapFor, validConvGrads } from './conv3d.js';
import type { KernelArgs } from './heap.js';
import { runSplit } from './threads.js';

export const CONV_BLOCK = 'Ct3dConvBlock';
export const CONV_BLOCK_SCATTER = 'Ct3dConvBlockScatter';
export const CONV_BLOCK_BIAS_GRAD = 'Ct3dConvBlockBiasGrad';
export const CONV_BLOCK_PACK_GRAD = 'Ct3dConvBlockPackGrad';
export const CONV_BLOCK_INPUT_GRAD = 'Ct3dConvBlockInputGrad';
export const CONV_BLOCK_FILTER_GRAD = 'Ct3dConvBlockFilterGrad';

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
function blockScatter({ inputs, backend, attrs = {} }: KernelArgs): TensorInfo {
  const { dy, arg } = inputs;
  const p = attrs.poolSize as number;
  const convShape = attrs.convShape as number[];
  const heap = heapFor(backend);
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
function blockBiasGrad({ inputs, backend }: KernelArgs): TensorInfo {
  const { dy, arg } = inputs;
  const heap = heapFor(backend);
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
 * The block's packed pooled gradient: per sample, dy [q1, q2, q3, c] then arg's int32s in the same layout
 * (bit for bit), so that each sample's part is contiguous for the worker thread: two block copies a sample.
 */
function packGrad({ inputs, backend }: KernelArgs): TensorInfo {
  const { dy, arg } = inputs;
  const heap = heapFor(backend);
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

/** dx of the block from the packed pooled gradient (Winograd, no scatter). */
function blockInputGrad({ inputs, backend, attrs = {} }: KernelArgs): TensorInfo {
  const { packed, filter } = inputs;
  const heap = heapFor(backend);
  const inputShape = attrs.inputShape as number[];
  const out = heap.backend.makeOutput(inputShape, 'float32');
  const g = geom(inputShape, filter.shape);
  runSplit(heap, 'blockInputGrad', g, heap.offsetOf(packed), heap.offsetOf(filter), 0, heap.offsetOf(out));
  return out;
}

/** [dW, dBias] of the block from x and the packed pooled gradient (Winograd, no scatter; one pass). */
function blockFilterGrad({ inputs, backend, attrs = {} }: KernelArgs): TensorInfo[] {
  const { x, packed } = inputs;
  const heap = heapFor(backend);
  const filterShape = attrs.filterShape as number[];
  const g = geom(x.shape, filterShape);
  const both = runSplit(heap, 'blockFilterGrad', g, heap.offsetOf(x), heap.offsetOf(packed), 0, 0)!;
  const wSize = both.length - g.outC;
  const dw = heap.backend.makeOutput(filterShape, 'float32');
  const dBias = heap.backend.makeOutput([g.outC], 'float32');
  heap.f32.set(both.subarray(0, wSize), heap.offsetOf(dw) >>> 2);
  heap.f32.set(both.subarray(wSize), heap.offsetOf(dBias) >>> 2);
  return [dw, dBias];
}

export const blockConfigs: KernelConfig[] = [
  { kernelName: CONV_BLOCK_PACK_GRAD, backendName: 'wasm', kernelFunc: packGrad as unknown as KernelFunc },
  {
    kernelName: CONV_BLOCK_INPUT_GRAD,
    backendName: 'wasm',
    kernelFunc: blockInputGrad as unknown as KernelFunc,
  },
  {
    kernelName: CONV_BLOCK_FILTER_GRAD,
    backendName: 'wasm',
    kernelFunc: blockFilterGrad as unknown as KernelFunc,
  },
  {
    kernelName: CONV_BLOCK_BIAS_GRAD,
    backendName: 'wasm',
    kernelFunc: blockBiasGrad as unknown as KernelFunc,
  },
  { kernelName: CONV_BLOCK, backendName: 'wasm', kernelFunc: blockForward as unknown as KernelFunc },
  { kernelName: CONV_BLOCK_SCATTER, backendName: 'wasm', kernelFunc: blockScatter as unknown as KernelFunc },
];

export const blockGradConfig: GradConfig = {
  kernelName: CONV_BLOCK,
  inputsToSave: ['x', 'filter'],
  outputsToSave: [false, true],
  gradFunc: (dys: Tensor | Tensor[], saved: Tensor[], attrs?: NamedAttrMap) => {
    const [x, filter, arg] = saved;
    const dy = Array.isArray(dys) ? dys[0] : dys;
    const pool = attrs?.poolSize as number;
    if (blockGradFused(geom(x.shape, filter.shape), pool)) {
      // Winograd takes the pooled gradient and window indices directly: no full-size scattered dConv.
      const packed = engine().runKernel(CONV_BLOCK_PACK_GRAD, { dy, arg }) as Tensor;
      // One kernel gives the filter and the bias gradients (the same pass over the pooled gradient). Run here,
      // not lazily: each gradient closure runs in its own tidy, which would dispose the other result (both
      // belong to this backprop's scope; only a frozen filter with a trainable x would not need them).
      const [dw, dBias] = engine().runKernel(
        CONV_BLOCK_FILTER_GRAD,
        { x, packed },
        { filterShape: filter.shape },
      ) as Tensor[];
      return {
        x: () =>
          engine().runKernel(CONV_BLOCK_INPUT_GRAD, { packed, filter }, { inputShape: x.shape }) as Tensor,
        filter: () => dw,
        bias: () => dBias,
      };
    }
    const bias = () => engine().runKernel(CONV_BLOCK_BIAS_GRAD, { dy, arg }) as Tensor;
    const o = [1, 2, 3].map((k) => x.shape[k] - filter.shape[k - 1] + 1);
    const convShape = [x.shape[0], ...o, filter.shape[4]] as number[];
    const g = engine().runKernel(CONV_BLOCK_SCATTER, { dy, arg }, { poolSize: pool, convShape }) as Tensor;
    return { ...validConvGrads(x, filter, g), bias };
  },
};

/**
 * maxPool3d(relu(conv3d(x, filter, 1, 'valid') + bias), poolSize, poolSize, 'valid'), NDHWC: one kernel
 * on wasm (the conv output never becomes a tensor), plain ops elsewhere.
 */
export function conv3dBiasReluPool(x: Tensor5D, filter: Tensor5D, bias: Tensor1D, poolSize = 2): Tensor5D {
  const fast = getBackend() === 'wasm' && [x, filter, bias].every((t) => t.dtype === 'float32');
  if (fast) {
    const [y] = engine().runKernel(CONV_BLOCK, { x, filter, bias }, { poolSize }) as Tensor[];
    return y as Tensor5D;
  }
  const z = relu(add(conv3d(x, filter, 1, 'valid'), bias)) as Tensor5D;
  return maxPool3d(z, poolSize, poolSize, 'valid');
}
