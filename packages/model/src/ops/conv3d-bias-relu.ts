// relu(conv3d(x, filter, stride 1, VALID) + bias) as one op (kernel 'Ct3dConv3DBiasRelu'). Under autodiff
// tfjs keeps every intermediate until backprop ends: as three ops (Conv3D, BiasAdd, Relu) the first block
// holds 3 x 481 MiB at 128x128x64, batch 2; the kernel keeps only its output. wasm runs the conv with the
// bias and relu after it, webgpu in the GEMM's epilogue.
import * as tf from '../tf.js';
import { channelSum } from './channel-sum.js';
import { dispatch } from './dispatch.js';
import { reluGrad } from './relu-grad.js';

export const CONV3D_BIAS_RELU = 'Ct3dConv3DBiasRelu';

const STRIDES = [1, 1, 1];

/** dx and dW of a VALID, stride-1 conv3d from its output gradient `g`, each computed only if asked for. */
export function validConvGrads(
  x: tf.Tensor,
  filter: tf.Tensor,
  g: tf.Tensor,
): { x: () => tf.Tensor; filter: () => tf.Tensor } {
  const run = (name: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap) =>
    tf.engine().runKernel(name, inputs, attrs) as tf.Tensor;
  return {
    x: () =>
      run(
        tf.Conv3DBackpropInputV2,
        { dy: g, filter },
        { strides: STRIDES, pad: 'valid', inputShape: x.shape },
      ),
    filter: () =>
      run(
        tf.Conv3DBackpropFilterV2,
        { x, dy: g },
        { strides: STRIDES, pad: 'valid', filterShape: filter.shape },
      ),
  };
}

/** relu(conv3d(x, filter, 1, 'valid') + bias), NDHWC: the backend's kernel, plain tfjs ops elsewhere. */
export function conv3dBiasRelu(x: tf.Tensor5D, filter: tf.Tensor5D, bias: tf.Tensor1D): tf.Tensor5D {
  return dispatch(CONV3D_BIAS_RELU, { x, filter, bias }, {}, () =>
    tf.tidy(() => tf.relu(tf.add(tf.conv3d(x, filter, 1, 'valid'), tf.reshape(bias, [1, 1, 1, 1, -1])))),
  ) as tf.Tensor5D;
}

/**
 * The kernel's gradient, on any backend: dy masked where y > 0 (same as z > 0 for y = relu(z)), then the
 * Conv3D gradient kernels and a per-channel sum; each input's gradient is lazy, so the first layer never
 * computes its (unused, 1-channel) input gradient.
 */
const conv3dBiasReluGradient: tf.GradConfig = {
  kernelName: CONV3D_BIAS_RELU,
  inputsToSave: ['x', 'filter'],
  outputsToSave: [true],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
    const [x, filter, y] = saved;
    const dz = reluGrad(dy as tf.Tensor, y);
    return { ...validConvGrads(x, filter, dz), bias: () => channelSum(dz) };
  },
};

// The gradient belongs to the kernel name, whichever backend registers the kernel.
tf.registerGradient(conv3dBiasReluGradient);
