// The kernel of the Mean/Sum gradients' broadcast op (ops/reduce-grad.ts) on WebGPU: dy spread back to the
// reduced tensor's shape on the GPU, instead of tfjs's multiply by tf.ones (filled on the CPU and uploaded).
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { BROADCAST_REDUCED } from '../../ops/reduce-grad.js';
import { makeProgram, product, u, type WebGPUBackendLike } from './program.js';

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

export function broadcastKernelConfig(): KernelConfig {
  return {
    kernelName: BROADCAST_REDUCED,
    backendName: 'webgpu',
    kernelFunc: broadcastReduced as unknown as KernelFunc,
  };
}
