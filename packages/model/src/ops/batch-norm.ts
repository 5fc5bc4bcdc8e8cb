// Batch norm of a channels-last tensor over every axis but the last, as ops with kernels: training forward =
// moments + normalize with one gradient kernel for the pair, and the moving statistics' update. Built from
// plain tf ops (the composites) the layer is ~25 elementwise, reduce and transpose kernels a step (tf.moments
// transposes the reduced axes last); wasm and webgpu register these four kernels instead.
import * as tf from '../tf.js';
import { dispatch, hasKernelFor } from './dispatch.js';

/** x [..., C] -> [2, C]: per-channel mean and biased variance (what Keras uses). */
export const BATCH_NORM_MOMENTS = 'Ct3dBatchNormMoments';
/** (x, moments, gamma, beta; epsilon) -> (x - mean) * rsqrt(var + eps) * gamma + beta. */
export const BATCH_NORM_APPLY = 'Ct3dBatchNormApply';
/** (dy, x, moments, gamma; epsilon) -> [dx, dgamma, dbeta] of APPLY with the moments of x. */
export const BATCH_NORM_GRAD = 'Ct3dBatchNormGrad';
/** (moving, moments; row, momentum) -> moving * momentum + moments[row] * (1 - momentum). */
export const MOVING_AVERAGE = 'Ct3dMovingAverage';

/**
 * Views a channels-last tensor as [rows, channels]: reshape is free, and rank-2 broadcasting works on every
 * backend (stock tfjs WebGPU cannot compile rank-5 broadcasts).
 */
const asRows = (x: tf.Tensor): tf.Tensor2D => tf.reshape(x, [-1, x.shape[x.rank - 1]]);

/** Per-channel batch mean and biased variance (what Keras uses) over every axis but the last. */
export function channelMoments(x: tf.Tensor): { mean: tf.Tensor1D; variance: tf.Tensor1D } {
  const { mean, variance } = tf.moments(asRows(x), 0);
  return { mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
}

/** y = (x - mean) / sqrt(var + eps) * gamma + beta per channel, folded into one scale and offset. */
export function normalizeChannels(
  x: tf.Tensor,
  mean: tf.Tensor,
  variance: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
): tf.Tensor {
  const scale = tf.mul(gamma, tf.rsqrt(tf.add(variance, epsilon)));
  const offset = tf.sub(beta, tf.mul(mean, scale));
  return tf.reshape(tf.add(tf.mul(asRows(x), scale), offset), x.shape);
}

const rowOf = (moments: tf.Tensor, row: number): tf.Tensor1D =>
  tf.reshape(tf.slice(moments, [row, 0], [1, -1]), [-1]);

/** The moments [2, C] of x. */
export function batchNormMoments(x: tf.Tensor): tf.Tensor2D {
  return dispatch(BATCH_NORM_MOMENTS, { x }, {}, () =>
    tf.tidy(() => {
      const { mean, variance } = channelMoments(x);
      return tf.stack([mean, variance]);
    }),
  ) as tf.Tensor2D;
}

/** x normalized with moments [2, C], scaled by gamma and shifted by beta. */
export function batchNormApply(
  x: tf.Tensor,
  moments: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
): tf.Tensor {
  return dispatch(BATCH_NORM_APPLY, { x, moments, gamma, beta }, { epsilon }, () =>
    tf.tidy(() => normalizeChannels(x, rowOf(moments, 0), rowOf(moments, 1), gamma, beta, epsilon)),
  );
}

/**
 * The APPLY kernel's gradient with the moments as given (inference mode, e.g. Grad-CAM through a trained
 * model): dx = dy * gamma * rstd, dgamma = sum dy * xhat, dbeta = sum dy, and the moments' own gradients
 * (d mean = -sum dy * gamma * rstd, d var = -0.5 * sum dy * gamma * xhat * rstd^2). Training never reaches it:
 * batchNormTraining's custom gradient covers the moments' dependence on x.
 */
const batchNormApplyGradient: tf.GradConfig = {
  kernelName: BATCH_NORM_APPLY,
  inputsToSave: ['x', 'moments', 'gamma'],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
    const [x, moments, gamma] = saved;
    const epsilon = attrs.epsilon as number;
    const dyRows = asRows(dy as tf.Tensor);
    const rstd = () => tf.rsqrt(tf.add(rowOf(moments, 1), epsilon));
    const xhat = () => tf.mul(tf.sub(asRows(x), rowOf(moments, 0)), rstd());
    return {
      x: () => tf.reshape(tf.mul(dyRows, tf.mul(gamma, rstd())), x.shape),
      moments: () => {
        const g = tf.mul(gamma, rstd());
        const dMean = tf.neg(tf.mul(tf.sum(dyRows, 0), g));
        const dVar = tf.mul(tf.sum(tf.mul(dyRows, xhat()), 0), tf.mul(g, tf.mul(rstd(), -0.5)));
        return tf.stack([dMean, dVar]);
      },
      gamma: () => tf.sum(tf.mul(dyRows, xhat()), 0),
      beta: () => tf.sum(dyRows, 0),
    };
  },
};

// The gradient belongs to the kernel name, whichever backend registers the kernel.
tf.registerGradient(batchNormApplyGradient);

/**
 * [dx, dgamma, dbeta]: dbeta = sum dy, dgamma = sum dy * xhat, dx = gamma * rstd * (dy - (dbeta + xhat *
 * dgamma) / rows), xhat = (x - mean) * rstd (the batch statistics depend on x).
 */
function batchNormGrad(dy: tf.Tensor, x: tf.Tensor, moments: tf.Tensor, gamma: tf.Tensor, epsilon: number) {
  return dispatch(BATCH_NORM_GRAD, { dy, x, moments, gamma }, { epsilon }, () =>
    tf.tidy(() => {
      const rows = x.size / x.shape[x.rank - 1];
      const rstd = tf.rsqrt(tf.add(rowOf(moments, 1), epsilon));
      const dyRows = asRows(dy);
      const xhat = tf.mul(tf.sub(asRows(x), rowOf(moments, 0)), rstd);
      const dbeta = tf.sum(dyRows, 0);
      const dgamma = tf.sum(tf.mul(dyRows, xhat), 0);
      const centered = tf.sub(dyRows, tf.div(tf.add(dbeta, tf.mul(xhat, dgamma)), rows));
      return [tf.reshape(tf.mul(tf.mul(gamma, rstd), centered), x.shape), dgamma, dbeta];
    }),
  );
}

/** moving * momentum + moments[row] * (1 - momentum), row 0 = mean, 1 = variance. */
export function movingAverageFromMoments(
  moving: tf.Tensor,
  moments: tf.Tensor,
  row: 0 | 1,
  momentum: number,
): tf.Tensor {
  return dispatch(MOVING_AVERAGE, { moving, moments }, { row, momentum }, () =>
    tf.tidy(() => tf.add(tf.mul(moving, momentum), tf.mul(rowOf(moments, row), 1 - momentum))),
  );
}

/**
 * Training-mode batch norm of x [..., C] with its batch moments. Returns y and the moments [2, C] for the
 * moving statistics (the caller owns `moments`: dispose it). Where the backend has the moments kernel for x,
 * moments + normalize run as one custom op whose gradient is the GRAD kernel; elsewhere the composites run
 * under autodiff.
 */
export function batchNormTraining(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
): { y: tf.Tensor; moments: tf.Tensor2D } {
  let kept: tf.Tensor2D | undefined;
  if (!hasKernelFor(BATCH_NORM_MOMENTS, { x })) {
    const y = tf.tidy(() => {
      const { mean, variance } = channelMoments(x);
      kept = tf.keep(tf.stack([mean, variance]) as tf.Tensor2D);
      return normalizeChannels(x, mean, variance, gamma, beta, epsilon);
    });
    return { y, moments: kept as unknown as tf.Tensor2D };
  }
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const m = batchNormMoments(xi);
    const y = batchNormApply(xi, m, g, b, epsilon);
    save([xi, g, m]);
    // customGrad runs f inside a tidy that keeps only y: keep the moments for the moving statistics.
    kept = tf.keep(m);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [sx, sg, sm] = saved;
        return batchNormGrad(dy as tf.Tensor, sx, sm, sg, epsilon);
      },
    };
  });
  const y = op(x, gamma, beta);
  if (kept === undefined) throw new Error('batch norm: moments were not computed');
  return { y, moments: kept };
}

/** Inference-mode batch norm with given statistics (one normalize kernel where the backend has it). */
export function batchNormInference(
  x: tf.Tensor,
  mean: tf.Tensor,
  variance: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
): tf.Tensor {
  if (!hasKernelFor(BATCH_NORM_APPLY, { x, mean, variance, gamma, beta })) {
    return tf.tidy(() => normalizeChannels(x, mean, variance, gamma, beta, epsilon));
  }
  return tf.tidy(() => batchNormApply(x, tf.stack([mean, variance]), gamma, beta, epsilon));
}
