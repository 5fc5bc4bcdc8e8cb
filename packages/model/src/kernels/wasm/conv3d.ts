// Kernel functions for Conv3D and its two gradients on the 'wasm' backend.
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { ConvGeom } from './conv3d-core.js';
import { runOnCpu } from './cpu-fallback.js';
import type { KernelArgs } from './heap.js';
import { Heap, type WasmBackendLike } from './heap.js';
import { runSplit } from './threads.js';

const heaps = new WeakMap<object, Heap>();
export function heapFor(backend: unknown): Heap {
  const b = backend as WasmBackendLike;
  let heap = heaps.get(b);
  if (!heap) {
    heap = new Heap(b);
    heaps.set(b, heap);
  }
  return heap;
}

const allOnes = (v: unknown): boolean =>
  v === undefined || v === 1 || (Array.isArray(v) && v.every((e) => e === 1));

/** The fast path covers what the seed uses: VALID, stride 1, dilation 1, NDHWC, float32. */
export function fastConvAttrs(attrs: NamedAttrMap, inputs: TensorInfo[]): boolean {
  return (
    attrs.pad === 'valid' &&
    allOnes(attrs.strides) &&
    allOnes(attrs.dilations) &&
    (attrs.dataFormat === undefined || attrs.dataFormat === 'NDHWC') &&
    inputs.every((t) => t.dtype === 'float32')
  );
}

export function geom(x: number[], filter: number[]): ConvGeom {
  return {
    n: x[0],
    d1: x[1],
    d2: x[2],
    d3: x[3],
    c: x[4],
    f1: filter[0],
    f2: filter[1],
    f3: filter[2],
    outC: filter[4],
  };
}

function conv3D({ inputs, backend, attrs = {} }: KernelArgs): TensorInfo {
  const { x, filter } = inputs;
  const heap = heapFor(backend);
  if (!fastConvAttrs(attrs, [x, filter])) return runOnCpu('Conv3D', heap, inputs, attrs);
  const g = geom(x.shape, filter.shape);
  const out = heap.backend.makeOutput(
    [g.n, g.d1 - g.f1 + 1, g.d2 - g.f2 + 1, g.d3 - g.f3 + 1, g.outC],
    'float32',
  );
  runSplit(
    heap,
    'forward',
    g,
    heap.offsetOf(x),
    heap.offsetOf(filter),
    heap.idOf(filter),
    heap.offsetOf(out),
  );
  return out;
}

export function conv3DBackpropFilter({ inputs, backend, attrs = {} }: KernelArgs): TensorInfo {
  const { x, dy } = inputs;
  const heap = heapFor(backend);
  if (!fastConvAttrs(attrs, [x, dy])) return runOnCpu('Conv3DBackpropFilterV2', heap, inputs, attrs);
  const filterShape = attrs.filterShape as number[];
  const dw = runSplit(
    heap,
    'filterGrad',
    geom(x.shape, filterShape),
    heap.offsetOf(x),
    heap.offsetOf(dy),
    0,
    0,
  )!;
  const out = heap.backend.makeOutput(filterShape, 'float32');
  heap.f32.set(dw, heap.offsetOf(out) >>> 2);
  return out;
}

export function conv3DBackpropInput({ inputs, backend, attrs = {} }: KernelArgs): TensorInfo {
  const { dy, filter } = inputs;
  const heap = heapFor(backend);
  if (!fastConvAttrs(attrs, [dy, filter])) return runOnCpu('Conv3DBackpropInputV2', heap, inputs, attrs);
  const inputShape = attrs.inputShape as number[];
  const out = heap.backend.makeOutput(inputShape, 'float32');
  const g = geom(inputShape, filter.shape);
  runSplit(heap, 'inputGrad', g, heap.offsetOf(dy), heap.offsetOf(filter), 0, heap.offsetOf(out));
  return out;
}

const config = (kernelName: string, fn: (a: KernelArgs) => TensorInfo): KernelConfig => ({
  kernelName,
  backendName: 'wasm',
  kernelFunc: fn as unknown as KernelFunc,
});

export const conv3DConfigs: KernelConfig[] = [
  config('Conv3D', conv3D),
  config('Conv3DBackpropFilterV2', conv3DBackpropFilter),
  config('Conv3DBackpropInputV2', conv3DBackpropInput),
];
