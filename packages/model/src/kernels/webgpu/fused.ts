// Kernels of the conv3d + bias + ReLU op and of its gradient's ops on WebGPU: the bias and ReLU run in the
// GEMM's epilogue, dy is masked once (dy where y > 0) and summed per channel without the transpose tf.sum makes.
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { CHANNEL_SUM } from '../../ops/channel-sum.js';
import { CONV3D_BIAS_RELU } from '../../ops/conv3d-bias-relu.js';
import type { OpKernelConfig } from '../../ops/dispatch.js';
import { RELU_GRAD } from '../../ops/relu-grad.js';
import { type ConvGeom, convForwardProgram, reduceSplitsProgram } from './gemm.js';
import { forwardTile } from './kernels.js';
import { makeProgram, product, u, type WebGPUBackendLike, WG_INDEX } from './program.js';

type Shape5 = [number, number, number, number, number];
type Args = { inputs: Record<string, TensorInfo>; backend: WebGPUBackendLike };

function fusedForward({ inputs, backend }: Args): TensorInfo {
  const { x, filter, bias } = inputs;
  const [b, d1, d2, d3, c] = x.shape as Shape5;
  const [f1, f2, f3, , n] = filter.shape as Shape5;
  const g: ConvGeom = {
    batch: b,
    inDims: [d1, d2, d3],
    inChannels: c,
    filter: [f1, f2, f3],
    outDims: [d1 - f1 + 1, d2 - f2 + 1, d3 - f3 + 1],
    outChannels: n,
  };
  const rows = b * g.outDims[0] * g.outDims[1] * g.outDims[2];
  return backend.runWebGPUProgram(
    convForwardProgram(g, forwardTile(rows, n), true),
    [x, filter, bias],
    'float32',
  );
}

/** dz = dy where x > 0, else 0 (vec4). */
function reluMask({ inputs, backend }: Args): TensorInfo {
  const { dy, x } = inputs;
  const size = product(dy.shape);
  const vec = size % 4 === 0 ? 4 : 1;
  const zero = vec === 4 ? 'vec4<f32>(0.0)' : '0.0';
  const code = `
fn main(index: i32) {
  let i = u32(index);
  if (i < ${u(size / vec)}) { result[i] = select(${zero}, dy[i], x[i] > ${zero}); }
}`;
  const program = makeProgram({
    key: `relumask_${size}`,
    inputs: ['dy', 'x'],
    components: [vec, vec],
    outputComponent: vec,
    outputShape: dy.shape,
    groups: Math.ceil(size / vec / 256),
    code,
  });
  return backend.runWebGPUProgram(program, [dy, x], 'float32');
}

/** Per-channel sums of z [..., C] for C % 4 == 0 and C <= 1024: workgroup partials, then a reduction. */
function channelSum({ inputs, backend }: Args): TensorInfo {
  const { z } = inputs;
  const c = z.shape[z.shape.length - 1];
  const rows = product(z.shape) / c;
  const lanes = c / 4;
  const rowLanes = 256 / lanes;
  const groups = Math.max(1, Math.min(1024, Math.ceil(rows / (rowLanes * 16))));
  const chunk = Math.ceil(rows / groups);
  const code = `
var<workgroup> part: array<vec4<f32>, 256>;
fn main(index: i32) {
  let wg = ${WG_INDEX};
  let t = localIndex;
  let lane = t % ${u(lanes)}; let rl = t / ${u(lanes)};
  let r0 = wg * ${u(chunk)};
  let r1 = min(r0 + ${u(chunk)}, ${u(rows)});
  var s = vec4<f32>(0.0);
  for (var r = r0 + rl; r < r1; r += ${u(rowLanes)}) { s += z[r * ${u(lanes)} + lane]; }
  part[t] = s;
  workgroupBarrier();
  if (rl == 0u && wg < ${u(groups)}) {
    var total = vec4<f32>(0.0);
    for (var k = 0u; k < ${u(rowLanes)}; k++) { total += part[k * ${u(lanes)} + lane]; }
    result[wg * ${u(lanes)} + lane] = total;
  }
}`;
  const program = makeProgram({
    key: `channelsum_${rows}_${c}`,
    inputs: ['z'],
    components: [4],
    outputComponent: 4,
    outputShape: [groups, c],
    groups,
    code,
  });
  const partial = backend.runWebGPUProgram(program, [z], 'float32');
  const out = backend.runWebGPUProgram(reduceSplitsProgram(groups, c, [c]), [partial], 'float32');
  backend.disposeData(partial.dataId);
  return out;
}

const channelSumFits = (c: number) => c % 4 === 0 && 256 % (c / 4) === 0;

export function fusedKernelConfigs(): OpKernelConfig[] {
  const k = (kernelName: string, f: (a: Args) => TensorInfo): OpKernelConfig => ({
    kernelName,
    backendName: 'webgpu',
    kernelFunc: f as unknown as KernelFunc,
  });
  const fitsChannelSum = ({ z }: Record<string, TensorInfo>) =>
    z.dtype === 'float32' && channelSumFits(z.shape[z.shape.length - 1]);
  return [
    k(CONV3D_BIAS_RELU, fusedForward),
    k(RELU_GRAD, reluMask),
    { ...k(CHANNEL_SUM, channelSum), supports: fitsChannelSum },
  ];
}
