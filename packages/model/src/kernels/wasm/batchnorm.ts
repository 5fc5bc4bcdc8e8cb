// Rank-5 training batch norm (channels last) on 'wasm': the same four kernels as kernels/webgpu/batchnorm.ts,
// under the same names, so its backend-neutral custom op (batchNormTraining: moments + normalize, gradient
// as one kernel) runs here too. Built from plain tf ops the layer is ~25 full-size elementwise, reduce and
// cast kernels a step (~0.5 s at 128x128x64 for the first BatchNorm alone); here it is 5 passes over x/dy.
// Typed-array loops on the wasm heap, per-channel sums in float64.
import {
  getBackend,
  getKernel,
  type KernelConfig,
  type KernelFunc,
  type Tensor,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { heapFor } from './conv3d.js';
import type { KernelArgs } from './heap.js';

// Kernel names shared with kernels/webgpu/batchnorm.ts (its batchNormTraining calls them by name).
const MOMENTS = 'Ct3dBatchNormMoments';
const APPLY = 'Ct3dBatchNormApply';
const GRAD = 'Ct3dBatchNormGrad';
const MOVING = 'Ct3dMovingAverage';

const sizeOf = (t: TensorInfo): number => t.shape.reduce((a, b) => a * b, 1);
const channels = (t: TensorInfo): number => t.shape[t.shape.length - 1];

/** Per-channel mean and biased variance of x ([rows, c] flattened at float offset xF), two passes. */
function channelStats(h: Float32Array, xF: number, size: number, c: number): [Float64Array, Float64Array] {
  const rows = size / c;
  const mean = new Float64Array(c);
  for (let i = 0; i < size; i += c) for (let ch = 0; ch < c; ch++) mean[ch] += h[xF + i + ch];
  for (let ch = 0; ch < c; ch++) mean[ch] /= rows;
  const varc = new Float64Array(c);
  for (let i = 0; i < size; i += c)
    for (let ch = 0; ch < c; ch++) {
      const d = h[xF + i + ch] - mean[ch];
      varc[ch] += d * d;
    }
  for (let ch = 0; ch < c; ch++) varc[ch] /= rows;
  return [mean, varc];
}

/** x [..., C] -> moments [2, C]: mean, biased variance. */
function moments({ inputs, backend }: KernelArgs): TensorInfo {
  const { x } = inputs;
  const heap = heapFor(backend);
  const c = channels(x);
  const [mean, varc] = channelStats(heap.f32, heap.offsetOf(x) >>> 2, sizeOf(x), c);
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

/** y = (x - mean) * rsqrt(var + eps) * gamma + beta. */
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
  const scale = new Float32Array(c);
  const offset = new Float32Array(c);
  for (let ch = 0; ch < c; ch++) {
    scale[ch] = h[gF + ch] * rstd[ch];
    offset[ch] = h[bF + ch] - h[mF + ch] * scale[ch];
  }
  const xF = heap.offsetOf(x) >>> 2;
  const oF = heap.offsetOf(out) >>> 2;
  const size = sizeOf(x);
  for (let i = 0; i < size; i += c)
    for (let ch = 0; ch < c; ch++) h[oF + i + ch] = h[xF + i + ch] * scale[ch] + offset[ch];
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
  const sumDy = new Float64Array(c);
  const sumDyXc = new Float64Array(c); // sum dy * (x - mean); dgamma = rstd * this
  for (let i = 0; i < size; i += c)
    for (let ch = 0; ch < c; ch++) {
      const g = h[dyF + i + ch];
      sumDy[ch] += g;
      sumDyXc[ch] += g * (h[xF + i + ch] - mean[ch]);
    }
  const gF = heap.offsetOf(gamma) >>> 2;
  // dx = k * dy + a * (x - mean) + b per channel
  const k = new Float32Array(c);
  const a = new Float32Array(c);
  const b = new Float32Array(c);
  const dgF = heap.offsetOf(dgamma) >>> 2;
  const dbF = heap.offsetOf(dbeta) >>> 2;
  for (let ch = 0; ch < c; ch++) {
    const dg = sumDyXc[ch] * rstd[ch];
    h[dgF + ch] = dg;
    h[dbF + ch] = sumDy[ch];
    k[ch] = h[gF + ch] * rstd[ch];
    a[ch] = (-k[ch] * dg * rstd[ch]) / rows;
    b[ch] = (-k[ch] * sumDy[ch]) / rows;
  }
  const oF = heap.offsetOf(dx) >>> 2;
  for (let i = 0; i < size; i += c)
    for (let ch = 0; ch < c; ch++)
      h[oF + i + ch] = k[ch] * h[dyF + i + ch] + a[ch] * (h[xF + i + ch] - mean[ch]) + b[ch];
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

/** Whether BatchNormalization3D runs on these kernels: wasm backend, registered, float32. */
export function useWasmBatchNorm(x: Tensor): boolean {
  return getBackend() === 'wasm' && x.dtype === 'float32' && getKernel(MOMENTS, 'wasm') !== undefined;
}
