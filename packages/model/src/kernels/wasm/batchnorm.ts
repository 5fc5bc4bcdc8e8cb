// The batch-norm ops' kernels (ops/batch-norm.ts) on 'wasm': moments, normalize, their gradient and the
// moving-average update. Built from plain tf ops the layer is ~25 full-size elementwise, reduce and
// cast kernels a step (~0.5 s at 128x128x64 for the first BatchNorm alone); here it is 5 SIMD passes over
// x/dy in our wasm module (wasm-src/batchnorm.c; operands copied in, results out), sums in float64.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import {
  BATCH_NORM_APPLY as APPLY,
  BATCH_NORM_GRAD as GRAD,
  BATCH_NORM_MOMENTS as MOMENTS,
  MOVING_AVERAGE as MOVING,
} from '../../ops/batch-norm.js';
import { heapFor } from './conv3d.js';
import type { KernelArgs } from './heap.js';
import { type WinoExports, winograd } from './winograd.js';

const sizeOf = (t: TensorInfo): number => t.shape.reduce((a, b) => a * b, 1);
const channels = (t: TensorInfo): number => t.shape[t.shape.length - 1];

type Put = (src: Float32Array) => number;
type Alloc = (floats: number) => number;

/** Per-channel sums (bn_sums in ../../../wasm-src/batchnorm.c) of module data at aP (and bP). */
function sums(
  ex: WinoExports,
  put: Put,
  alloc: Alloc,
  [aP, bP]: number[],
  rows: number,
  shift: Float32Array,
  mode: 0 | 1 | 2,
): Float64Array {
  const c = shift.length;
  const out = alloc(4 * c); // 2c doubles
  ex.bn_sums(aP, bP ?? 0, rows, c, put(shift), mode, out);
  return new Float64Array(ex.memory.buffer, out, mode === 2 ? 2 * c : c).slice();
}

/** out (heap float offset) = k * a + m * (b - shift) + off per channel (bn_affine); no bP: no b term. */
function affine(
  h: Float32Array,
  ex: WinoExports,
  put: Put,
  alloc: Alloc,
  [aP, bP]: number[],
  rows: number,
  p: { k: Float32Array; m: Float32Array; shift: Float32Array; off: Float32Array },
  outF: number,
): void {
  const size = rows * p.k.length;
  const [kP, mP, sP, oP] = [p.k, p.m, p.shift, p.off].map(put);
  const out = alloc(size);
  ex.bn_affine(aP, bP ?? 0, rows, p.k.length, kP, mP, sP, oP, out);
  h.set(new Float32Array(ex.memory.buffer, out, size), outF);
}

/** Runs f with the heap data at float offsets `at` (size floats each) copied into the module once. */
function withData<T>(
  h: Float32Array,
  at: number[],
  size: number,
  f: (ex: WinoExports, put: Put, alloc: Alloc, ptrs: number[]) => T,
): T {
  return winograd().scratch((ex, put, alloc) =>
    f(
      ex,
      put,
      alloc,
      at.map((o) => put(h.subarray(o, o + size))),
    ),
  );
}

/** x [..., C] -> moments [2, C]: mean, biased variance (two passes: sum, then squares about the mean). */
function moments({ inputs, backend }: KernelArgs): TensorInfo {
  const { x } = inputs;
  const heap = heapFor(backend);
  const c = channels(x);
  const size = sizeOf(x);
  const rows = size / c;
  const [mean, varc] = withData(heap.f32, [heap.offsetOf(x) >>> 2], size, (ex, put, alloc, ptrs) => {
    const m = Float32Array.from(sums(ex, put, alloc, ptrs, rows, new Float32Array(c), 0), (v) => v / rows);
    return [m, Float32Array.from(sums(ex, put, alloc, ptrs, rows, m, 1), (v) => v / rows)];
  });
  const out = heap.backend.makeOutput([2, c], 'float32');
  const oF = heap.offsetOf(out) >>> 2;
  heap.f32.set(mean, oF);
  heap.f32.set(varc, oF + c);
  return out;
}

/** Per-channel rsqrt(var + eps) from moments [2, C] at float offset mF. */
function rstdOf(h: Float32Array, mF: number, c: number, eps: number): Float64Array {
  const r = new Float64Array(c);
  for (let ch = 0; ch < c; ch++) r[ch] = 1 / Math.sqrt(h[mF + c + ch] + eps);
  return r;
}

/** y = (x - mean) * rsqrt(var + eps) * gamma + beta = x * scale + offset. */
function apply({ inputs, backend, attrs = {} }: KernelArgs): TensorInfo {
  const { x, moments: m, gamma, beta } = inputs;
  const heap = heapFor(backend);
  const out = heap.backend.makeOutput(x.shape, 'float32');
  const h = heap.f32;
  const c = channels(x);
  const mF = heap.offsetOf(m) >>> 2;
  const gF = heap.offsetOf(gamma) >>> 2;
  const bF = heap.offsetOf(beta) >>> 2;
  const rstd = rstdOf(h, mF, c, attrs.epsilon as number);
  const k = new Float32Array(c);
  const off = new Float32Array(c);
  for (let ch = 0; ch < c; ch++) {
    k[ch] = h[gF + ch] * rstd[ch];
    off[ch] = h[bF + ch] - h[mF + ch] * k[ch];
  }
  const zero = new Float32Array(c);
  const xF = heap.offsetOf(x) >>> 2;
  const oF = heap.offsetOf(out) >>> 2;
  withData(h, [xF], sizeOf(x), (ex, put, alloc, ptrs) =>
    affine(h, ex, put, alloc, ptrs, sizeOf(x) / c, { k, m: zero, shift: zero, off }, oF),
  );
  return out;
}

/**
 * [dx, dgamma, dbeta]: dbeta = sum dy, dgamma = sum dy * xhat, dx = gamma * rstd * (dy - (dbeta + xhat *
 * dgamma) / rows), xhat = (x - mean) * rstd (the batch statistics depend on x).
 */
function grad({ inputs, backend, attrs = {} }: KernelArgs): TensorInfo[] {
  const { dy, x, moments: m, gamma } = inputs;
  const heap = heapFor(backend);
  const c = channels(x);
  const size = sizeOf(x);
  const rows = size / c;
  const dx = heap.backend.makeOutput(x.shape, 'float32');
  const dgamma = heap.backend.makeOutput([c], 'float32');
  const dbeta = heap.backend.makeOutput([c], 'float32');
  const h = heap.f32;
  const mF = heap.offsetOf(m) >>> 2;
  const rstd = rstdOf(h, mF, c, attrs.epsilon as number);
  const mean = h.slice(mF, mF + c);
  const xF = heap.offsetOf(x) >>> 2;
  const dyF = heap.offsetOf(dy) >>> 2;
  // [sum dy, sum dy * (x - mean)]; dgamma = rstd * the second
  const oF = heap.offsetOf(dx) >>> 2;
  withData(h, [dyF, xF], size, (ex, put, alloc, ptrs) => {
    const s = sums(ex, put, alloc, ptrs, rows, mean, 2);
    const gF = heap.offsetOf(gamma) >>> 2;
    // dx = k * dy + a * (x - mean) + b per channel
    const k = new Float32Array(c);
    const a = new Float32Array(c);
    const b = new Float32Array(c);
    const dgF = heap.offsetOf(dgamma) >>> 2;
    const dbF = heap.offsetOf(dbeta) >>> 2;
    for (let ch = 0; ch < c; ch++) {
      const dg = s[c + ch] * rstd[ch];
      h[dgF + ch] = dg;
      h[dbF + ch] = s[ch];
      k[ch] = h[gF + ch] * rstd[ch];
      a[ch] = (-k[ch] * dg * rstd[ch]) / rows;
      b[ch] = (-k[ch] * s[ch]) / rows;
    }
    affine(h, ex, put, alloc, ptrs, rows, { k, m: a, shift: mean, off: b }, oF);
  });
  return [dx, dgamma, dbeta];
}

/** moving * momentum + moments[row] * (1 - momentum). */
function movingAverage({ inputs, backend, attrs = {} }: KernelArgs): TensorInfo {
  const { moving, moments: m } = inputs;
  const heap = heapFor(backend);
  const c = moving.shape[0];
  const row = attrs.row as number;
  const mom = attrs.momentum as number;
  const out = heap.backend.makeOutput([c], 'float32');
  const h = heap.f32;
  const vF = heap.offsetOf(moving) >>> 2;
  const mF = (heap.offsetOf(m) >>> 2) + row * c;
  const oF = heap.offsetOf(out) >>> 2;
  for (let ch = 0; ch < c; ch++) h[oF + ch] = h[vF + ch] * mom + h[mF + ch] * (1 - mom);
  return out;
}

const config = (kernelName: string, f: (a: KernelArgs) => TensorInfo | TensorInfo[]): KernelConfig => ({
  kernelName,
  backendName: 'wasm',
  kernelFunc: f as unknown as KernelFunc,
});

export const batchNormConfigs: KernelConfig[] = [
  config(MOMENTS, moments),
  config(APPLY, apply),
  config(GRAD, grad),
  config(MOVING, movingAverage),
];
