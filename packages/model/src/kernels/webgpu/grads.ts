// Gradients of Mean and Sum without tf.ones(x.shape): tfjs-core's stock gradients multiply dy by ones(x.shape),
// and tf.ones fills that array on the CPU, so on WebGPU every step uploaded a full activation-sized buffer per
// reduction (batch norm's mean and variance: ~0.5 GB per step at batch 8, 128x128x64). Here dy is broadcast
// on the GPU by one kernel (Ct3dBroadcastReduced); other backends broadcast with tf.broadcastTo.
import * as tf from '@tensorflow/tfjs-core';
import {
  type GradConfig,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  registerGradient,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { makeProgram, product, u, type WebGPUBackendLike } from './program.js';

const BROADCAST = 'Ct3dBroadcastReduced';

type Args = { inputs: Record<string, TensorInfo>; backend: WebGPUBackendLike; attrs: NamedAttrMap };

/** out[x.shape] = dy (kept dims of x.shape, reduced dims 1) broadcast, times `scale`. */
function broadcastReduced({ inputs, backend, attrs }: Args): TensorInfo {
  const { dy } = inputs;
  const shape = attrs.shape as number[];
  const scale = attrs.scale as number;
  const dyShape = dy.shape;
  const size = product(shape);
  // Walk the dims from the last: coordinate k of the output adds k * stride to dy's index if dim is kept.
  const lines: string[] = [];
  let dyStride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (dyShape[d] === shape[d] && shape[d] > 1) {
      lines.push(`j += (rem % ${u(shape[d])}) * ${u(dyStride)};`);
      dyStride *= shape[d];
    }
    if (d > 0) lines.push(`rem = rem / ${u(shape[d])};`);
  }
  const code = `
fn main(index: i32) {
  let i = u32(index);
  if (i < ${u(size)}) {
    var rem = i; var j = 0u;
    ${lines.join('\n    ')}
    result[i] = dy[j] * ${Number(scale).toExponential(9)};
  }
}`;
  const program = makeProgram({
    key: `bcastreduced_${shape.join('x')}_${dyShape.join('x')}_${scale}`,
    inputs: ['dy'],
    outputShape: shape,
    groups: Math.ceil(size / 256),
    code,
  });
  return backend.runWebGPUProgram(program, [dy], 'float32');
}

/** dy of a reduction over `axes`, broadcast back to x's shape and scaled. */
function spread(dy: tf.Tensor, x: tf.Tensor, axes: number[], scale: number): tf.Tensor {
  const kept = x.shape.map((s, i) => (axes.includes(i) ? 1 : s));
  const dyKept = tf.reshape(dy, kept);
  const onWebGPU = tf.getBackend() === 'webgpu' && registered && dy.dtype === 'float32';
  if (onWebGPU) {
    return tf.engine().runKernel(BROADCAST, { dy: dyKept }, { shape: x.shape, scale }) as tf.Tensor;
  }
  const b = tf.broadcastTo(dyKept, x.shape);
  return scale === 1 ? b : tf.mul(b, scale);
}

const axesOf = (attrs: NamedAttrMap | undefined, x: tf.Tensor) =>
  tf.util.parseAxisParam(attrs?.axis as number | number[], x.shape);

const meanGrad: GradConfig = {
  kernelName: 'Mean',
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    const axes = axesOf(attrs, x);
    const n = axes.reduce((a, i) => a * x.shape[i], 1);
    return { x: () => spread(dy as tf.Tensor, x, axes, 1 / n) };
  },
};

const sumGrad: GradConfig = {
  kernelName: 'Sum',
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    return { x: () => spread(dy as tf.Tensor, x, axesOf(attrs, x), 1) };
  },
};

export function broadcastKernelConfig(): KernelConfig {
  return {
    kernelName: BROADCAST,
    backendName: 'webgpu',
    kernelFunc: broadcastReduced as unknown as KernelFunc,
  };
}

let registered = false;
/** Replaces tfjs-core's Mean and Sum gradients (global registry; same values on every backend). */
export function registerReductionGradients(): void {
  if (!registered) {
    registerGradient(meanGrad);
    registerGradient(sumGrad);
  }
  registered = true;
}
