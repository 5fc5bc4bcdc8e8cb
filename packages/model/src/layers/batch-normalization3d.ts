import { batchNormInference, batchNormTraining, movingAverageFromMoments } from '../ops/batch-norm.js';
import * as tf from '../tf.js';
import { singleShape } from './global-average-pooling3d.js';
import { type CallKwargs, defaultLayerName, type LayerArgs, type LayerConfig } from './types.js';

/** Arguments of the BatchNormalization3D layer (Keras BatchNormalization's). */
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
 * Runs the batch-norm ops (ops/batch-norm.ts): the backend's kernels where it registered them (wasm, webgpu),
 * plain tf ops under autodiff elsewhere.
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
    if (kwargs?.training !== true) {
      const [mean, variance] = [movingMean.read(), movingVariance.read()];
      return batchNormInference(x, mean, variance, gamma.read(), beta.read(), this.epsilon);
    }
    const { y, moments } = batchNormTraining(x, gamma.read(), beta.read(), this.epsilon);
    try {
      for (const [variable, row] of [
        [movingMean, 0],
        [movingVariance, 1],
      ] as const) {
        // Not part of the output, so no gradient flows here.
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

tf.serialization.registerClass(BatchNormalization3D);
