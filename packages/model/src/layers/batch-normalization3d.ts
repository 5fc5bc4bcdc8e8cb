import { useWasmBatchNorm } from '../kernels/wasm/batchnorm.js';
import {
  batchNormInference,
  batchNormTraining,
  movingAverageFromMoments,
  useWebGPUBatchNorm,
} from '../kernels/webgpu/batchnorm.js';
import * as tf from '../tf.js';
import { singleShape } from './global-average-pooling3d.js';
import { type CallKwargs, defaultLayerName, type LayerArgs, type LayerConfig } from './types.js';

export interface BatchNormalization3DArgs extends LayerArgs {
  /** Channel axis; only the last axis (-1 or 4) is supported. */
  axis?: number;
  /** Moving-average momentum (Keras default 0.99). */
  momentum?: number;
  /** Added to the variance before the square root (Keras default 1e-3). */
  epsilon?: number;
}

/**
 * Keras BatchNormalization for rank-5 channels-last input (tfjs-layers' own layer throws on rank 5).
 * Training: normalizes with the batch mean/biased variance and updates the moving statistics
 * (moving = moving * momentum + batch * (1 - momentum)), like Keras. Inference: uses the moving statistics.
 * Built from plain tf ops so the gradient comes from autodiff on every backend; on 'webgpu' (with our kernels
 * registered) the same math runs as our WGSL batch-norm kernels with a fused gradient instead.
 */
export class BatchNormalization3D extends tf.layers.Layer {
  static className = 'BatchNormalization3D';
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  private gamma?: tf.LayerVariable;
  private beta?: tf.LayerVariable;
  private movingMean?: tf.LayerVariable;
  private movingVariance?: tf.LayerVariable;

  constructor(args: BatchNormalization3DArgs = {}) {
    super({ ...args, name: args.name ?? defaultLayerName('batch_normalization') });
    this.axis = args.axis ?? -1;
    this.momentum = args.momentum ?? 0.99;
    this.epsilon = args.epsilon ?? 1e-3;
    if (this.axis !== -1 && this.axis !== 4) {
      throw new Error(`${this.name}: only the channels-last axis (-1) is supported, got axis ${this.axis}`);
    }
    this.supportsMasking = true;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = singleShape(inputShape, this.name);
    const channels = shape[4];
    if (channels == null) throw new Error(`${this.name}: the channel dimension must be known`);
    this.inputSpec = [new tf.InputSpec({ ndim: 5, axes: { 4: channels } })];
    const ones = tf.initializers.ones();
    const zeros = tf.initializers.zeros();
    this.gamma = this.addWeight('gamma', [channels], 'float32', ones, undefined, true);
    this.beta = this.addWeight('beta', [channels], 'float32', zeros, undefined, true);
    this.movingMean = this.addWeight('moving_mean', [channels], 'float32', zeros, undefined, false);
    this.movingVariance = this.addWeight('moving_variance', [channels], 'float32', ones, undefined, false);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return singleShape(inputShape, this.name);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (x.rank !== 5) throw new Error(`${this.name}: expected a rank-5 input, got rank ${x.rank}`);
    const { gamma, beta, movingMean, movingVariance } = this.weightsOrThrow();
    const training = kwargs?.training === true;
    // the same custom op on wasm: kernels/wasm/batchnorm.ts registers these kernels for 'wasm' too
    if (useWebGPUBatchNorm(x) || useWasmBatchNorm(x)) return this.callWebGPU(x, training);
    return tf.tidy(() => {
      if (!training) {
        const [mean, variance] = [movingMean.read(), movingVariance.read()];
        return normalizeChannels(x, mean, variance, gamma.read(), beta.read(), this.epsilon);
      }
      const { mean, variance } = channelMoments(x);
      updateMovingAverage(movingMean, mean, this.momentum);
      updateMovingAverage(movingVariance, variance, this.momentum);
      return normalizeChannels(x, mean, variance, gamma.read(), beta.read(), this.epsilon);
    });
  }

  /** The WebGPU kernels: moments + normalize, gradient as one custom op; moving stats from the same moments. */
  private callWebGPU(x: tf.Tensor, training: boolean): tf.Tensor {
    const { gamma, beta, movingMean, movingVariance } = this.weightsOrThrow();
    if (!training) {
      const [mean, variance] = [movingMean.read(), movingVariance.read()];
      return batchNormInference(x, mean, variance, gamma.read(), beta.read(), this.epsilon);
    }
    const { y, moments } = batchNormTraining(x, gamma.read(), beta.read(), this.epsilon);
    try {
      for (const [variable, row] of [
        [movingMean, 0],
        [movingVariance, 1],
      ] as const) {
        tf.tidy(() => {
          variable.write(movingAverageFromMoments(variable.read(), moments, row, this.momentum));
        });
      }
    } finally {
      moments.dispose();
    }
    return y;
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), axis: this.axis, momentum: this.momentum, epsilon: this.epsilon };
  }

  private weightsOrThrow() {
    const { gamma, beta, movingMean, movingVariance } = this;
    if (!gamma || !beta || !movingMean || !movingVariance)
      throw new Error(`${this.name}: layer is not built`);
    return { gamma, beta, movingMean, movingVariance };
  }
}

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

/** moving <- moving * momentum + value * (1 - momentum); not part of the output, so no gradient flows here. */
function updateMovingAverage(variable: tf.LayerVariable, value: tf.Tensor, momentum: number): void {
  tf.tidy(() => {
    const next = tf.add(tf.mul(variable.read(), momentum), tf.mul(value, 1 - momentum));
    variable.write(next);
  });
}

tf.serialization.registerClass(BatchNormalization3D);
