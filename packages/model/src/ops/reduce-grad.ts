// Gradients of Mean and Sum without tf.ones(x.shape): tfjs-core's multiply dy by ones(x.shape), and tf.ones
// fills that array on the CPU, so on WebGPU every step uploaded a full activation-sized buffer per reduction
// (batch norm's mean and variance: ~0.5 GB per step at batch 8, 128x128x64). Here dy is spread back by one op,
// 'Ct3dBroadcastReduced' (a kernel on webgpu); its composite is tfjs's own formula, same numbers.
import * as tf from '../tf.js';
import { dispatch } from './dispatch.js';

/** (dy with x's rank, reduced dims 1; shape, scale) -> dy broadcast to `shape`, times `scale`. */
export const BROADCAST_REDUCED = 'Ct3dBroadcastReduced';

/** dy of a reduction of x over `axes`, broadcast back to x's shape and divided by `divisor`. */
function spread(dy: tf.Tensor, x: tf.Tensor, axes: number[], divisor: number): tf.Tensor {
  const dyKept = tf.reshape(
    dy,
    x.shape.map((s, i) => (axes.includes(i) ? 1 : s)),
  );
  return dispatch(BROADCAST_REDUCED, { dy: dyKept }, { shape: x.shape, scale: 1 / divisor }, () => {
    const spreadDy = tf.mul(dyKept, tf.ones(x.shape, 'float32'));
    return divisor === 1 ? spreadDy : tf.div(spreadDy, divisor);
  });
}

const axesOf = (attrs: tf.NamedAttrMap | undefined, x: tf.Tensor) =>
  tf.util.parseAxisParam(attrs?.axis as number | number[], x.shape);

export const meanGradientConfig: tf.GradConfig = {
  kernelName: tf.Mean,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    const axes = axesOf(attrs, x);
    const n = axes.reduce((a, i) => a * x.shape[i], 1);
    return { x: () => spread(dy as tf.Tensor, x, axes, n) };
  },
};

export const sumGradientConfig: tf.GradConfig = {
  kernelName: tf.Sum,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    return { x: () => spread(dy as tf.Tensor, x, axesOf(attrs, x), 1) };
  },
};
