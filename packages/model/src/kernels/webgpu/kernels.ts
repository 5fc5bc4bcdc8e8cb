// Kernel functions for the 'webgpu' backend: our WGSL programs where the attributes fit (stride 1, no
// dilation, NDHWC for convolutions; VALID non-overlapping windows for max pooling), the stock kernel otherwise.

import {
  backend_util,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { platform } from '#platform';
import {
  type ConvGeom,
  convFilterGradProgram,
  convForwardProgram,
  reduceSplitsProgram,
  type Tile,
} from './gemm.js';
import type { WebGPUBackendLike } from './program.js';
import {
  flipFilterProgram,
  maxPoolGradProgram,
  maxPoolProgram,
  type PoolGeom,
  padSpatialProgram,
  type Shape5,
} from './small_programs.js';

type Args = { inputs: Record<string, TensorInfo>; backend: WebGPUBackendLike; attrs: NamedAttrMap };
type Triple = [number, number, number];

const asTriple = (v: unknown): Triple => (typeof v === 'number' ? [v, v, v] : (v as Triple));
const isOnes = (v: unknown) => asTriple(v ?? 1).every((s) => s === 1);
const shape5 = (t: TensorInfo) => t.shape as Shape5;

/** Target workgroups in flight: a few per SM on a big GPU, harmless on small ones. */
const TARGET_GROUPS = 1024;

/** CT3D_WEBGPU_TILE=64|128|256 forces the GEMM row tile (for tuning runs); unset picks by size. */
function forcedTile(): Tile | null {
  const v = platform.env('CT3D_WEBGPU_TILE');
  if (v === '64') return { tm: 64, rm: 4 };
  if (v === '128') return { tm: 128, rm: 8 };
  if (v === '256') return { tm: 256, rm: 16 };
  return null;
}

export function forwardTile(rows: number, n: number): Tile {
  const forced = forcedTile();
  if (forced) return forced;
  const big = Math.ceil(rows / 128) * Math.ceil(n / 64) >= 256;
  return big ? { tm: 128, rm: 8 } : { tm: 64, rm: 4 };
}

function filterGradTile(kf: number): Tile {
  if (kf <= 32) return { tm: 32, rm: 4 };
  const forced = forcedTile();
  if (forced) return forced;
  return kf >= 1024 ? { tm: 128, rm: 8 } : { tm: 64, rm: 4 };
}

/** Zero-pads the spatial dims when needed; returns the padded tensor and whether it is a temporary. */
function padded(backend: WebGPUBackendLike, x: TensorInfo, before: number[], after: number[]) {
  if ([...before, ...after].every((p) => p === 0)) return { t: x, temp: false };
  return {
    t: backend.runWebGPUProgram(padSpatialProgram(shape5(x), before, after), [x], 'float32'),
    temp: true,
  };
}

function geometry(x: Shape5, filter: Shape5): ConvGeom {
  const [b, d1, d2, d3, c] = x;
  const [f1, f2, f3, , n] = filter;
  return {
    batch: b,
    inDims: [d1, d2, d3],
    inChannels: c,
    filter: [f1, f2, f3],
    outDims: [d1 - f1 + 1, d2 - f2 + 1, d3 - f3 + 1],
    outChannels: n,
  };
}

function padsOf(info: backend_util.Conv3DInfo) {
  const p = info.padInfo;
  return {
    before: [p.front, p.top, p.left],
    after: [p.back, p.bottom, p.right],
  };
}

/** y = conv3d(x, W), stride 1: pad (SAME), then a VALID implicit GEMM. */
function conv3dFast({ inputs, backend, attrs }: Args): TensorInfo {
  const { x, filter } = inputs;
  const info = backend_util.computeConv3DInfo(shape5(x), shape5(filter), 1, 1, attrs.pad as 'valid' | 'same');
  const { before, after } = padsOf(info);
  const xp = padded(backend, x, before, after);
  const g = geometry(shape5(xp.t), shape5(filter));
  const rows = g.batch * g.outDims[0] * g.outDims[1] * g.outDims[2];
  const out = backend.runWebGPUProgram(
    convForwardProgram(g, forwardTile(rows, g.outChannels)),
    [xp.t, filter],
    'float32',
  );
  if (xp.temp) backend.disposeData(xp.t.dataId);
  return out;
}

/** dx = VALID conv of dy padded by (f-1-padBefore, f-1-padAfter) with the flipped, channel-swapped filter. */
function conv3dInputGradFast({ inputs, backend, attrs }: Args): TensorInfo {
  const { dy, filter } = inputs;
  const inShape = attrs.inputShape as unknown as Shape5;
  const fShape = shape5(filter);
  const info = backend_util.computeConv3DInfo(inShape, fShape, 1, 1, attrs.pad as 'valid' | 'same');
  const { before, after } = padsOf(info);
  const f = [fShape[0], fShape[1], fShape[2]];
  const dyp = padded(
    backend,
    dy,
    f.map((k, i) => k - 1 - before[i]),
    f.map((k, i) => k - 1 - after[i]),
  );
  const flipped = backend.runWebGPUProgram(flipFilterProgram(fShape), [filter], 'float32');
  const g = geometry(shape5(dyp.t), shape5(flipped));
  const rows = g.batch * g.outDims[0] * g.outDims[1] * g.outDims[2];
  const out = backend.runWebGPUProgram(
    convForwardProgram(g, forwardTile(rows, g.outChannels)),
    [dyp.t, flipped],
    'float32',
  );
  backend.disposeData(flipped.dataId);
  if (dyp.temp) backend.disposeData(dyp.t.dataId);
  return out;
}

/** Splits the reduction over output positions so that enough workgroups run. */
export function planSplits(reduction: number, tiles: number): { splits: number; chunk: number } {
  const want = Math.max(1, Math.min(Math.ceil(TARGET_GROUPS / tiles), Math.ceil(reduction / 256)));
  const chunk = Math.ceil(reduction / want / 16) * 16;
  return { splits: Math.ceil(reduction / chunk), chunk };
}

/** dW = sum over output positions of im2col(x)^T dy, split over positions then reduced. */
function conv3dFilterGradFast({ inputs, backend, attrs }: Args): TensorInfo {
  const { x, dy } = inputs;
  const fShape = attrs.filterShape as unknown as Shape5;
  const info = backend_util.computeConv3DInfo(shape5(x), fShape, 1, 1, attrs.pad as 'valid' | 'same');
  const { before, after } = padsOf(info);
  const xp = padded(backend, x, before, after);
  const g = geometry(shape5(xp.t), fShape);
  const kf = fShape[0] * fShape[1] * fShape[2] * fShape[3];
  const tile = filterGradTile(kf);
  const reduction = g.batch * g.outDims[0] * g.outDims[1] * g.outDims[2];
  const { splits, chunk } = planSplits(reduction, Math.ceil(kf / tile.tm) * Math.ceil(g.outChannels / 64));
  const partial = backend.runWebGPUProgram(
    convFilterGradProgram(g, tile, splits, chunk),
    [xp.t, dy],
    'float32',
  );
  if (xp.temp) backend.disposeData(xp.t.dataId);
  if (splits === 1) return partial;
  const out = backend.runWebGPUProgram(
    reduceSplitsProgram(splits, kf * g.outChannels, [...fShape]),
    [partial],
    'float32',
  );
  backend.disposeData(partial.dataId);
  return out;
}

function poolGeometry(x: Shape5, attrs: NamedAttrMap): PoolGeom | null {
  const info = backend_util.computePool3DInfo(
    x,
    attrs.filterSize as Triple | number,
    attrs.strides as Triple | number,
    1,
    attrs.pad as 'valid' | 'same' | number,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
  );
  const p = info.padInfo;
  if ([p.front, p.back, p.top, p.bottom, p.left, p.right].some((v) => v !== 0)) return null;
  return {
    inShape: x,
    filter: [info.filterDepth, info.filterHeight, info.filterWidth],
    strides: [info.strideDepth, info.strideHeight, info.strideWidth],
    outDims: [info.outDepth, info.outHeight, info.outWidth],
  };
}

const nonOverlapping = (g: PoolGeom) => g.strides.every((s, i) => s >= g.filter[i]);

interface Fast {
  name: string;
  /** True when our program handles these inputs/attributes. */
  fits(args: Args): boolean;
  run(args: Args): TensorInfo;
}

const convFits = ({ inputs, attrs }: Args, tensors: string[]) =>
  isOnes(attrs.strides) &&
  isOnes(attrs.dilations) &&
  (attrs.dataFormat === undefined || attrs.dataFormat === 'NDHWC') &&
  (attrs.pad === 'valid' || attrs.pad === 'same') &&
  tensors.every((n) => inputs[n]?.dtype === 'float32');

export const FAST_KERNELS: Fast[] = [
  { name: 'Conv3D', fits: (a) => convFits(a, ['x', 'filter']), run: conv3dFast },
  { name: 'Conv3DBackpropInputV2', fits: (a) => convFits(a, ['dy', 'filter']), run: conv3dInputGradFast },
  { name: 'Conv3DBackpropFilterV2', fits: (a) => convFits(a, ['x', 'dy']), run: conv3dFilterGradFast },
  {
    name: 'MaxPool3D',
    fits: (a) =>
      a.inputs.x.dtype === 'float32' &&
      (a.attrs.dataFormat ?? 'NDHWC') === 'NDHWC' &&
      poolGeometry(shape5(a.inputs.x), a.attrs) !== null,
    run: (a) => {
      const g = poolGeometry(shape5(a.inputs.x), a.attrs) as PoolGeom;
      return a.backend.runWebGPUProgram(maxPoolProgram(g), [a.inputs.x], 'float32');
    },
  },
  {
    name: 'MaxPool3DGrad',
    fits: (a) => {
      const g = poolGeometry(shape5(a.inputs.input), a.attrs);
      return g !== null && nonOverlapping(g) && a.inputs.input.dtype === 'float32';
    },
    run: (a) => {
      const g = poolGeometry(shape5(a.inputs.input), a.attrs) as PoolGeom;
      return a.backend.runWebGPUProgram(maxPoolGradProgram(g), [a.inputs.dy, a.inputs.input], 'float32');
    },
  },
];

/** Wraps our program with the stock kernel as the fallback for attributes it does not cover. */
export function withFallback(fast: Fast, stock: KernelFunc | undefined): KernelConfig {
  const kernelFunc = (params: Parameters<KernelFunc>[0]) => {
    const args = params as unknown as Args;
    if (fast.fits(args)) return fast.run(args);
    if (stock === undefined)
      throw new Error(`webgpu ${fast.name}: attributes not supported and no stock kernel`);
    return stock(params);
  };
  return { kernelName: fast.name, backendName: 'webgpu', kernelFunc: kernelFunc as KernelFunc };
}
