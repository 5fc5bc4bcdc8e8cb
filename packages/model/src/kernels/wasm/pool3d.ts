// MaxPool3D and MaxPool3DGrad (VALID, NDHWC) as tight typed-array loops over the wasm heap.
// The stock wasm kernels are correct but slow on rank-5 activations (about 1 s a step at 64x64x48).
// Ties pick the last maximum in (d1, d2, d3) window order, as the cpu backend's maxPool3dPositions does.
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { heapFor } from './conv3d.js';
import { runOnCpu } from './cpu-fallback.js';
import type { KernelArgs } from './heap.js';

interface PoolGeom {
  n: number;
  d: [number, number, number];
  c: number;
  f: [number, number, number];
  s: [number, number, number];
  o: [number, number, number];
}

const triple = (v: unknown): [number, number, number] =>
  (typeof v === 'number' ? [v, v, v] : (v as [number, number, number])) ?? [1, 1, 1];

/** Geometry when the fast path applies (VALID, NDHWC, no rounding mode), else null. */
function poolGeom(shape: number[], attrs: NamedAttrMap): PoolGeom | null {
  if (attrs.pad !== 'valid' || attrs.dimRoundingMode != null) return null;
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NDHWC') return null;
  const f = triple(attrs.filterSize);
  const s = triple(attrs.strides);
  const d: [number, number, number] = [shape[1], shape[2], shape[3]];
  const o = d.map((v, i) => Math.floor((v - f[i]) / s[i]) + 1) as [number, number, number];
  if (o.some((v) => v < 1)) return null;
  return { n: shape[0], d, c: shape[4], f, s, o };
}

/** Calls visit(outRow, window element offsets...) once per output voxel: float offsets of its window. */
function forEachWindow(g: PoolGeom, visit: (outRow: number, inRow: number) => void): void {
  const [d1, d2, d3] = g.d;
  const [o1, o2, o3] = g.o;
  let outRow = 0;
  for (let n = 0; n < g.n; n++)
    for (let i = 0; i < o1; i++)
      for (let j = 0; j < o2; j++)
        for (let l = 0; l < o3; l++, outRow++)
          visit(outRow, ((n * d1 + i * g.s[0]) * d2 + j * g.s[1]) * d3 + l * g.s[2]);
}

/** Float offsets (in voxels) of the window elements relative to its corner, in d1, d2, d3 order. */
function windowOffsets(g: PoolGeom): number[] {
  const offs: number[] = [];
  for (let a = 0; a < g.f[0]; a++)
    for (let b = 0; b < g.f[1]; b++)
      for (let e = 0; e < g.f[2]; e++) offs.push((a * g.d[1] + b) * g.d[2] + e);
  return offs;
}

function maxPool3D({ inputs, backend, attrs = {} }: KernelArgs): TensorInfo {
  const { x } = inputs;
  const heap = heapFor(backend);
  const g = x.dtype === 'float32' ? poolGeom(x.shape, attrs) : null;
  if (!g) return runOnCpu('MaxPool3D', heap, inputs, attrs);
  const out = heap.backend.makeOutput([g.n, ...g.o, g.c], 'float32');
  const h = heap.f32;
  const xF = heap.offsetOf(x) >>> 2;
  const yF = heap.offsetOf(out) >>> 2;
  const c = g.c;
  const offs = windowOffsets(g).map((v) => v * c);
  forEachWindow(g, (outRow, inRow) => {
    const src = xF + inRow * c;
    const dst = yF + outRow * c;
    for (let ch = 0; ch < c; ch++) h[dst + ch] = h[src + ch];
    for (let p = 1; p < offs.length; p++) {
      const s = src + offs[p];
      for (let ch = 0; ch < c; ch++) {
        const v = h[s + ch];
        if (v > h[dst + ch]) h[dst + ch] = v;
      }
    }
  });
  return out;
}

function maxPool3DGrad({ inputs, backend, attrs = {} }: KernelArgs): TensorInfo {
  const { dy, input } = inputs;
  const heap = heapFor(backend);
  const g = input.dtype === 'float32' ? poolGeom(input.shape, attrs) : null;
  if (!g) return runOnCpu('MaxPool3DGrad', heap, inputs, attrs);
  const out = heap.backend.makeOutput(input.shape, 'float32');
  const h = heap.f32;
  const xF = heap.offsetOf(input) >>> 2;
  const dyF = heap.offsetOf(dy) >>> 2;
  const dxF = heap.offsetOf(out) >>> 2;
  const c = g.c;
  h.fill(0, dxF, dxF + input.shape.reduce((a, b) => a * b, 1));
  const offs = windowOffsets(g).map((v) => v * c);
  const best = new Float32Array(c);
  const arg = new Int32Array(c);
  forEachWindow(g, (outRow, inRow) => {
    const src = xF + inRow * c;
    best.fill(Number.NEGATIVE_INFINITY);
    for (let p = 0; p < offs.length; p++) {
      const s = src + offs[p];
      for (let ch = 0; ch < c; ch++) {
        const v = h[s + ch];
        if (v >= best[ch]) {
          best[ch] = v;
          arg[ch] = offs[p];
        }
      }
    }
    const d = dyF + outRow * c;
    const base = dxF + inRow * c;
    for (let ch = 0; ch < c; ch++) h[base + arg[ch] + ch] += h[d + ch];
  });
  return out;
}

const config = (kernelName: string, fn: (a: KernelArgs) => TensorInfo): KernelConfig => ({
  kernelName,
  backendName: 'wasm',
  kernelFunc: fn as unknown as KernelFunc,
});

export const pool3DConfigs: KernelConfig[] = [
  config('MaxPool3D', maxPool3D),
  config('MaxPool3DGrad', maxPool3DGrad),
];
