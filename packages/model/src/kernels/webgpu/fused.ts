// conv3d + bias + ReLU as one op: on WebGPU the bias and ReLU run in the GEMM's epilogue, and the gradient
// masks dy once (dy * (y > 0)) and sums it per channel without the transpose tf.sum would make.
import * as tf from '@tensorflow/tfjs-core';
import {
  type GradConfig,
  type KernelConfig,
  type KernelFunc,
  registerGradient,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { ourOpsEnabled } from './enabled.js';
import { type ConvGeom, convForwardProgram, reduceSplitsProgram } from './gemm.js';
import { forwardTile } from './kernels.js';
import { makeProgram, product, u, type WebGPUBackendLike, WG_INDEX } from './program.js';

export const FUSED_CONV = 'Ct3dConv3DBiasRelu';
const RELU_MASK = 'Ct3dReluMask';
const CHANNEL_SUM = 'Ct3dChannelSum';

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

/** dz = dy where y > 0, else 0 (vec4). */
function reluMask({ inputs, backend }: Args): TensorInfo {
  const { dy, y } = inputs;
  const size = product(dy.shape);
  const vec = size % 4 === 0 ? 4 : 1;
  const zero = vec === 4 ? 'vec4<f32>(0.0)' : '0.0';
  const code = `
fn main(index: i32) {
  let i = u32(index);
  if (i < ${u(size / vec)}) { result[i] = select(${zero}, dy[i], y[i] > ${zero}); }
}`;
  const program = makeProgram({
    key: `relumask_${size}`,
    inputs: ['dy', 'y'],
    components: [vec, vec],
    outputComponent: vec,
    outputShape: dy.shape,
    groups: Math.ceil(size / vec / 256),
    code,
  });
  return backend.runWebGPUProgram(program, [dy, y], 'float32');
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

const fusedGrad: GradConfig = {
  kernelName: FUSED_CONV,
  inputsToSave: ['x', 'filter'],
  outputsToSave: [true],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
    const [x, filter, y] = saved;
    const dz = tf.engine().runKernel(RELU_MASK, { dy: dy as tf.Tensor, y }) as tf.Tensor;
    const c = filter.shape[4] as number;
    return {
      x: () =>
        tf
          .engine()
          .runKernel(
            'Conv3DBackpropInputV2',
            { dy: dz, filter },
            { strides: 1, pad: 'valid', inputShape: x.shape },
          ) as tf.Tensor,
      filter: () =>
        tf
          .engine()
          .runKernel(
            'Conv3DBackpropFilterV2',
            { x, dy: dz },
            { strides: 1, pad: 'valid', filterShape: filter.shape },
          ) as tf.Tensor,
      bias: () =>
        channelSumFits(c)
          ? (tf.engine().runKernel(CHANNEL_SUM, { z: dz }) as tf.Tensor)
          : tf.sum(tf.reshape(dz, [-1, c]), 0),
    };
  },
};

export function fusedKernelConfigs(): KernelConfig[] {
  const k = (kernelName: string, f: (a: Args) => TensorInfo): KernelConfig => ({
    kernelName,
    backendName: 'webgpu',
    kernelFunc: f as unknown as KernelFunc,
  });
  return [k(FUSED_CONV, fusedForward), k(RELU_MASK, reluMask), k(CHANNEL_SUM, channelSum)];
}

let gradientRegistered = false;
export function registerFusedGradient(): void {
  if (!gradientRegistered) registerGradient(fusedGrad);
  gradientRegistered = true;
}

/**
 * relu(conv3d(x, filter, stride 1, 'valid') + bias): one fused WebGPU kernel (with its gradient) when the
 * backend is 'webgpu' and the kernels are registered; the plain tfjs ops on any other backend.
 */
export function conv3dBiasRelu(x: tf.Tensor5D, filter: tf.Tensor5D, bias: tf.Tensor1D): tf.Tensor5D {
  if (tf.getBackend() === 'webgpu' && gradientRegistered && ourOpsEnabled() && x.dtype === 'float32') {
    return tf.engine().runKernel(FUSED_CONV, { x, filter, bias }) as tf.Tensor5D;
  }
  return tf.tidy(() =>
    tf.relu(tf.add(tf.conv3d(x, filter, 1, 'valid'), tf.reshape(bias, [1, 1, 1, 1, -1]))),
  ) as tf.Tensor5D;
}

/** maxPool3d(relu(conv3d(x, filter) + bias), poolSize): the seed's Conv3D(relu) -> MaxPool3D pair (as on wasm). */
export function conv3dBiasReluPool(
  x: tf.Tensor5D,
  filter: tf.Tensor5D,
  bias: tf.Tensor1D,
  poolSize = 2,
): tf.Tensor5D {
  return tf.tidy(() => tf.maxPool3d(conv3dBiasRelu(x, filter, bias), poolSize, poolSize, 'valid'));
}
