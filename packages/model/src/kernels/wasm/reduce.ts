// Sum and Mean over every axis but the last (per-channel reductions of NDHWC activations: conv bias and
// BatchNorm gradients, BatchNorm moments). Stock wasm transposes the reduced axes innermost first, which
// cost ~6 s a step at 64x64x48. Other reductions go to the stock wasm kernel (correct there).
import { getKernel, type KernelFunc, type TensorInfo, util } from '@tensorflow/tfjs-core';
import type { OpKernelConfig } from '../../ops/dispatch.js';
import { heapFor } from './conv3d.js';
import type { KernelArgs } from './heap.js';

/** True when `axis` covers exactly axes 0..rank-2 of a float32 tensor of rank >= 2. */
function reducesAllButLast(x: TensorInfo, axis: unknown): boolean {
  const rank = x.shape.length;
  if (rank < 2 || x.dtype !== 'float32') return false;
  const axes = util.parseAxisParam(axis as number | number[], x.shape);
  const set = new Set(axes);
  return set.size === rank - 1 && !set.has(rank - 1);
}

function channelReduce(args: KernelArgs, mean: boolean, stock: KernelFunc): TensorInfo {
  const { x } = args.inputs;
  const attrs = args.attrs ?? {};
  if (!reducesAllButLast(x, attrs.axis)) return stock(args as Parameters<KernelFunc>[0]) as TensorInfo;
  const heap = heapFor(args.backend);
  const c = x.shape[x.shape.length - 1];
  const rows = x.shape.reduce((a, b) => a * b, 1) / c;
  const acc = new Float64Array(c);
  const h = heap.f32;
  const xF = heap.offsetOf(x) >>> 2;
  for (let r = 0, base = xF; r < rows; r++, base += c) for (let ch = 0; ch < c; ch++) acc[ch] += h[base + ch];
  if (mean) for (let ch = 0; ch < c; ch++) acc[ch] /= rows;
  const shape = attrs.keepDims ? x.shape.map((v, i) => (i === x.shape.length - 1 ? v : 1)) : [c];
  const out = heap.backend.makeOutput(shape, 'float32');
  heap.f32.set(acc, heap.offsetOf(out) >>> 2);
  return out;
}

/** Wraps the stock wasm Sum and Mean (kept in our config as `replaced`, so registering twice wraps the stock). */
export function reduceConfigs(): OpKernelConfig[] {
  return (['Sum', 'Mean'] as const).map((name) => {
    const registered = getKernel(name, 'wasm') as OpKernelConfig | undefined;
    const stock = registered?.replaced ?? registered;
    if (!stock)
      throw new Error(`${name}: stock wasm kernel missing (import @tensorflow/tfjs-backend-wasm first)`);
    const fn = (a: KernelArgs) => channelReduce(a, name === 'Mean', stock.kernelFunc);
    // Keep the stock setupFunc: it binds the wasm export the stock kernelFunc calls (if registered pre-init).
    return {
      kernelName: name,
      backendName: 'wasm',
      setupFunc: stock.setupFunc,
      kernelFunc: fn as unknown as KernelFunc,
      replaced: stock,
    };
  });
}
