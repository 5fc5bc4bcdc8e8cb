import { createRng, mixSeed } from '@ct3d/core';
import * as tf from '../tf.js';
import { type CallKwargs, defaultLayerName, type LayerArgs, type LayerConfig } from './types.js';

/** Arguments of the SeededDropout layer. */
export interface SeededDropoutArgs extends LayerArgs {
  /** Fraction of the inputs zeroed in training, in [0, 1). */
  rate: number;
  /** Seed of the masks (default: drawn once at construction and kept in the saved config). */
  seed?: number;
}

/** Where in a run a training forward pass is: the mask is a pure function of (seed, epoch, step). */
export interface DropoutStep {
  epoch: number;
  step: number;
}

/**
 * Keras Dropout (inverted: kept inputs scaled by 1 / (1 - rate)) whose mask is a pure function of
 * (layer seed, epoch, step), drawn in JavaScript so that it is the same bits on every backend. Why: tfjs'
 * Dropout is unseeded (or, seeded, draws the same mask every call), so two runs with one seed differed and
 * a resumed run could not equal an uninterrupted one. The trainer calls setStep before each step; a
 * training-mode call without one draws from a per-layer call counter (still deterministic per seed).
 * Inference (training false) is the identity.
 */
export class SeededDropout extends tf.layers.Layer {
  static className = 'SeededDropout';
  readonly rate: number;
  readonly seed: number;
  private stepKey: number | null = null;
  private calls = 0;

  constructor(args: SeededDropoutArgs) {
    if (!(args.rate >= 0 && args.rate < 1)) {
      throw new RangeError(`SeededDropout: rate must be in [0, 1), got ${args.rate}`);
    }
    super({ ...args, name: args.name ?? defaultLayerName('dropout') });
    this.rate = args.rate;
    this.seed = args.seed ?? Math.floor(Math.random() * 2 ** 31);
  }

  /** The next training-mode calls use the mask of (seed, epoch, step) until the next setStep. */
  setStep(at: DropoutStep): void {
    this.stepKey = mixSeed(this.seed, at.epoch, at.step);
  }

  /** The keep-and-scale mask (0 or 1 / (1 - rate) per element) of `size` elements for `key`. */
  static mask(key: number, size: number, rate: number): Float32Array {
    const rng = createRng(key);
    const scale = 1 / (1 - rate);
    const mask = new Float32Array(size);
    for (let i = 0; i < size; i++) mask[i] = rng.next() >= rate ? scale : 0;
    return mask;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (kwargs?.training !== true || this.rate === 0) return x;
    const key = this.stepKey ?? mixSeed(this.seed, -1, this.calls);
    this.calls++;
    // The caller's tidy (the optimizer's, predict's) disposes the mask after the gradients are taken.
    const mask = tf.tensor(SeededDropout.mask(key, x.size, this.rate), x.shape);
    return tf.mul(x, mask);
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}

tf.serialization.registerClass(SeededDropout);

/** Sets every SeededDropout layer of `model` to the masks of (epoch, step); returns how many there are. */
export function setDropoutStep(model: tf.LayersModel, at: DropoutStep): number {
  let count = 0;
  for (const layer of model.layers) {
    if (layer instanceof SeededDropout) {
      layer.setStep(at);
      count++;
    }
  }
  return count;
}
