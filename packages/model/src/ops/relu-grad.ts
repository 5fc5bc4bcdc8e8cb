// ReLU's gradient as one op: dx = x > 0 ? dy : 0. tfjs's own gradient builds step(x) and multiplies, a
// full-size temporary (480 MiB for the first conv at 128x128x64, batch 2) that pushes the 4 GiB wasm heap
// over the edge; a backend with kernel 'Ct3dReluGrad' (wasm, webgpu) does it in one pass.
import * as tf from '../tf.js';
import { dispatch } from './dispatch.js';

export const RELU_GRAD = 'Ct3dReluGrad';

/** dy where x > 0, else 0; x may be relu's input or its output (same sign test). */
export function reluGrad(dy: tf.Tensor, x: tf.Tensor): tf.Tensor {
  return dispatch(RELU_GRAD, { dy, x }, {}, () => tf.mul(dy, tf.step(tf.cast(x, 'float32'))));
}

/** Relu's gradient through reluGrad: tfjs's formula exactly where no kernel is registered. */
export const reluGradientConfig: tf.GradConfig = {
  kernelName: tf.Relu,
  inputsToSave: ['x'],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
    const [x] = saved;
    return { x: () => reluGrad(dy as tf.Tensor, x) };
  },
};
