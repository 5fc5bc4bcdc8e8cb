// maxPool3d(relu(conv3d(x, filter, VALID) + bias), poolSize) as one op (kernel 'Ct3dConvBlock'): the seed's
// Conv3D(relu) -> MaxPool3D pair. At 128x128x64, batch 2, the first conv's output is 481 MiB; as separate ops
// autodiff keeps it (and its relu, pool-gradient and relu-gradient siblings) alive and the step does not fit
// the 4 GiB wasm heap. The kernel (wasm) outputs the pooled values and `arg`, one int32 window index per pooled
// value: (a * p + b) * p + e for the window's max at offset (a, b, e), -1 where that max is <= 0 (relu blocks
// the gradient there); ties take the last max, as the cpu backend's maxPool3d gradient. Its gradient is two
// more kernels, each with a composite that scatters dy back through `arg`.
import * as tf from '../tf.js';
import { channelSum } from './channel-sum.js';
import { conv3dBiasRelu } from './conv3d-bias-relu.js';
import { dispatch } from './dispatch.js';

export const CONV_BLOCK = 'Ct3dConvBlock';
/** [dW, dBias] of the block from x, the pooled dy and arg; attrs filterShape, poolSize. */
export const CONV_BLOCK_FILTER_GRAD = 'Ct3dConvBlockFilterGrad';
/** dx of the block from the pooled dy, arg and the filter; attrs inputShape, poolSize. */
export const CONV_BLOCK_INPUT_GRAD = 'Ct3dConvBlockInputGrad';

/**
 * maxPool3d(relu(conv3d(x, filter, 1, 'valid') + bias), poolSize, poolSize, 'valid'), NDHWC: the backend's
 * one kernel (the conv output never becomes a tensor), else conv3dBiasRelu (itself dispatched) and maxPool3d.
 */
export function conv3dBiasReluPool(
  x: tf.Tensor5D,
  filter: tf.Tensor5D,
  bias: tf.Tensor1D,
  poolSize = 2,
): tf.Tensor5D {
  const [y] = dispatch(CONV_BLOCK, { x, filter, bias }, { poolSize }, () => [
    tf.tidy(() => tf.maxPool3d(conv3dBiasRelu(x, filter, bias), poolSize, poolSize, 'valid')),
  ]);
  return y as tf.Tensor5D;
}

/** The conv output's gradient: the pooled dy put at each window's winning offset (from arg), zero elsewhere. */
export function scatterPooledGradient(
  dy: tf.Tensor,
  arg: tf.Tensor,
  pool: number,
  convShape: number[],
): tf.Tensor5D {
  return tf.tidy(() => {
    const zero = tf.zerosLike(dy);
    const offsets = Array.from({ length: pool }, (_, i) => i);
    const at = (a: number, b: number, e: number) =>
      tf.where(tf.equal(arg, (a * pool + b) * pool + e), dy, zero);
    // Interleaves the p offsets along one spatial axis: stacked right after it, then the two axes merged.
    const interleave = (parts: tf.Tensor[], axis: number): tf.Tensor => {
      const s = parts[0].shape;
      return tf.reshape(tf.stack(parts, axis + 1), [
        ...s.slice(0, axis),
        s[axis] * pool,
        ...s.slice(axis + 1),
      ]);
    };
    const depth = (a: number, b: number) =>
      interleave(
        offsets.map((e) => at(a, b, e)),
        3,
      );
    const height = (a: number) =>
      interleave(
        offsets.map((b) => depth(a, b)),
        2,
      );
    const full = interleave(offsets.map(height), 1);
    // Conv rows past the last whole window get no gradient.
    const pad = [1, 2, 3].map((k): [number, number] => [0, convShape[k] - full.shape[k]]);
    return tf.pad(full, [[0, 0], ...pad, [0, 0]]) as tf.Tensor5D;
  });
}

const STRIDES = [1, 1, 1];
const convShapeOf = (inputShape: number[], filterShape: number[]): number[] => [
  inputShape[0],
  ...[1, 2, 3].map((k) => inputShape[k] - filterShape[k - 1] + 1),
  filterShape[4],
];

/** [dW, dBias]: the backend's kernel, else the scattered gradient's Conv3D filter gradient and channel sum. */
function blockFilterGrad(
  x: tf.Tensor,
  dy: tf.Tensor,
  arg: tf.Tensor,
  filterShape: number[],
  poolSize: number,
) {
  return dispatch(CONV_BLOCK_FILTER_GRAD, { x, dy, arg }, { filterShape, poolSize }, () =>
    tf.tidy(() => {
      const g = scatterPooledGradient(dy, arg, poolSize, convShapeOf(x.shape, filterShape));
      const attrs = { strides: STRIDES, pad: 'valid', filterShape };
      return [
        tf.engine().runKernel(tf.Conv3DBackpropFilterV2, { x, dy: g }, attrs) as tf.Tensor,
        channelSum(g),
      ];
    }),
  );
}

/** dx: the backend's kernel, else the scattered gradient's Conv3D input gradient. */
function blockInputGrad(
  dy: tf.Tensor,
  arg: tf.Tensor,
  filter: tf.Tensor,
  inputShape: number[],
  poolSize: number,
) {
  return dispatch(CONV_BLOCK_INPUT_GRAD, { dy, arg, filter }, { inputShape, poolSize }, () =>
    tf.tidy(() => {
      const g = scatterPooledGradient(dy, arg, poolSize, convShapeOf(inputShape, filter.shape));
      const attrs = { strides: STRIDES, pad: 'valid', inputShape };
      return tf.engine().runKernel(tf.Conv3DBackpropInputV2, { dy: g, filter }, attrs) as tf.Tensor;
    }),
  );
}

/** What a block gradient kernel covers (its `supports`): a float32 gradient with int32 window indices. */
export const supportsBlockGrad = ({ dy, arg }: Record<string, tf.TensorInfo>): boolean =>
  dy.dtype === 'float32' && arg.dtype === 'int32';

const convBlockGradient: tf.GradConfig = {
  kernelName: CONV_BLOCK,
  inputsToSave: ['x', 'filter'],
  outputsToSave: [false, true],
  gradFunc: (dys: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs?: tf.NamedAttrMap) => {
    const [x, filter, arg] = saved;
    const dy = Array.isArray(dys) ? dys[0] : dys;
    const poolSize = attrs?.poolSize as number;
    // dW and dBias come from one pass, run here rather than lazily: each gradient closure runs in its own
    // tidy, which would dispose the other result.
    const [dw, dBias] = blockFilterGrad(x, dy, arg, filter.shape, poolSize);
    return {
      x: () => blockInputGrad(dy, arg, filter, x.shape, poolSize),
      filter: () => dw,
      bias: () => dBias,
    };
  },
};

// The gradient belongs to the kernel name, whichever backend registers the kernel.
tf.registerGradient(convBlockGradient);
