import type { Volume } from '@ct3d/core';
import { toChannelsLast } from '@ct3d/core';
import { FusedAdamOptimizer, tf } from '@ct3d/model';
import { categoricalCrossEntropyTensor, sampleWeights } from './multiclass.js';

/** A batch as the trainer needs it; @ct3d/pipeline's Batch is one. */
export interface BatchLike {
  /** [b, w, h, d, 1] channels-last, depth fastest. */
  x: Float32Array;
  /** One label per sample: 0 or 1 for the sigmoid head, the class index 0..k-1 for a softmax head. */
  y: Float32Array;
  shape: readonly number[];
  ids?: string[];
  queueDepth?: number;
  /** Worker pool utilization (0..1) reported by the batch source, when it has one. */
  poolUtilization?: number;
}

/**
 * Adam whose learning rate can be set before each step, to follow a schedule (tfjs has no schedules). On
 * WebGPU each variable's update is one fused kernel; elsewhere it is tfjs's own Adam.
 */
export class ScheduledAdam extends FusedAdamOptimizer {
  setLearningRate(lr: number): void {
    this.learningRate = lr;
  }

  get currentLearningRate(): number {
    return this.learningRate;
  }
}

/** Keras defaults: beta1 0.9, beta2 0.999, epsilon 1e-7. */
export function createAdam(learningRate: number): ScheduledAdam {
  return new ScheduledAdam(learningRate, 0.9, 0.999, 1e-7);
}

const EPSILON = 1e-7;

/**
 * Mean binary cross-entropy of probabilities (clipped like Keras), as a scalar tensor. With per-sample
 * `weights` each sample's term is scaled before the mean (Keras with class_weight).
 */
export function binaryCrossEntropyTensor(
  labels: tf.Tensor,
  probs: tf.Tensor,
  weights?: tf.Tensor,
): tf.Scalar {
  return tf.tidy(() => {
    const p = tf.clipByValue(probs, EPSILON, 1 - EPSILON);
    const ll = tf.add(tf.mul(labels, tf.log(p)), tf.mul(tf.sub(1, labels), tf.log(tf.sub(1, p))));
    const terms = weights ? tf.mul(tf.reshape(ll, [-1]), tf.reshape(weights, [-1])) : ll;
    return tf.neg(tf.mean(terms)) as tf.Scalar;
  });
}

function checkBatch(batch: BatchLike): number {
  const b = batch.shape[0];
  const voxels = batch.shape.reduce((a, s) => a * s, 1);
  if (batch.shape.length !== 5 || batch.x.length !== voxels || batch.y.length !== b) {
    throw new Error(
      `batch ${batch.ids?.join(',') ?? ''}: shape [${batch.shape.join(', ')}] does not match ${batch.x.length} voxels and ${batch.y.length} labels`,
    );
  }
  return b;
}

function inputTensors(batch: BatchLike): { xs: tf.Tensor; ys: tf.Tensor } {
  const b = checkBatch(batch);
  return { xs: tf.tensor(batch.x, [...batch.shape]), ys: tf.tensor2d(batch.y, [b, 1]) };
}

function singleOutput(out: tf.Tensor | tf.Tensor[] | tf.SymbolicTensor | tf.SymbolicTensor[]): tf.Tensor {
  if (Array.isArray(out) || !(out instanceof tf.Tensor)) {
    throw new Error('the model must have one tensor output (a sigmoid probability per sample)');
  }
  return out;
}

export interface StepResult {
  loss: number;
  /** Training-mode probabilities for the accuracy: one per sample (sigmoid) or k per sample, row-major (softmax). */
  probs: Float32Array;
}

export interface StepOptions {
  /** Loss weight of each class (index = label), applied per sample; absent = every sample weighs 1. */
  classWeights?: readonly number[];
}

/**
 * The training loss of a batch: the seed's binary cross-entropy for a one-unit sigmoid output, sparse
 * categorical cross-entropy for a k-unit softmax output; class weights scale each sample's term.
 */
export function batchLossTensor(labels: tf.Tensor, probs: tf.Tensor, weights: tf.Tensor | null): tf.Scalar {
  const units = probs.shape[probs.shape.length - 1];
  const loss = units === 1 ? binaryCrossEntropyTensor : categoricalCrossEntropyTensor;
  return loss(labels, probs, weights ?? undefined);
}

/**
 * One optimizer step: forward in training mode (Dropout active, BatchNorm on batch statistics and
 * updating its moving averages), binary cross-entropy, gradients of the trainable weights, Adam update.
 * All intermediate tensors are disposed.
 */
export async function trainStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  batch: BatchLike,
  opts: StepOptions = {},
): Promise<StepResult> {
  const { xs, ys } = inputTensors(batch);
  const ws = opts.classWeights ? tf.tensor1d(sampleWeights(batch.y, opts.classWeights)) : null;
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  let probs: tf.Tensor | null = null;
  let lossT: tf.Scalar | null = null;
  try {
    lossT = optimizer.minimize(
      () => {
        const p = singleOutput(model.apply(xs, { training: true }));
        probs = tf.keep(tf.reshape(p, [-1]));
        return batchLossTensor(ys, p, ws);
      },
      true,
      vars,
    );
    const kept = probs as tf.Tensor | null;
    if (!lossT || !kept) throw new Error('trainStep: the optimizer returned no loss');
    const [loss, p] = await Promise.all([lossT.data(), kept.data()]);
    return { loss: loss[0], probs: p as Float32Array };
  } finally {
    tf.dispose([xs, ys, ...(ws ? [ws] : []), ...(lossT ? [lossT] : []), ...(probs ? [probs] : [])]);
  }
}

/** Inference-mode probabilities: of class 1 per sample (sigmoid), or k per sample row-major (softmax). */
export async function predictBatch(model: tf.LayersModel, batch: BatchLike): Promise<Float32Array> {
  const { xs, ys } = inputTensors(batch);
  const probs = tf.tidy(() => tf.reshape(singleOutput(model.apply(xs, { training: false })), [-1]));
  try {
    return (await probs.data()) as Float32Array;
  } finally {
    tf.dispose([xs, ys, probs]);
  }
}

/** The model's input [w, h, d] (from its [null, w, h, d, 1] input shape). */
export function modelInputShape(model: tf.LayersModel): [number, number, number] {
  const shape = model.inputs[0]?.shape ?? [];
  const [, w, h, d, c] = shape;
  if (shape.length !== 5 || c !== 1 || !w || !h || !d) {
    throw new Error(`model input shape [${shape.join(', ')}] is not [null, w, h, d, 1]`);
  }
  return [w, h, d];
}

/** One scan as channels-last model input: a Volume (NIfTI order, converted here) or voxels already laid out. */
function scanInput(model: tf.LayersModel, x: Float32Array | Volume, caller: string): BatchLike {
  const [w, h, d] = modelInputShape(model);
  let data: Float32Array;
  if (x instanceof Float32Array) data = x;
  else {
    if (x.shape.join() !== [w, h, d].join()) {
      throw new Error(`${caller}: scan shape [${x.shape.join(', ')}] but the model takes [${w}, ${h}, ${d}]`);
    }
    data = toChannelsLast(x);
  }
  if (data.length !== w * h * d) {
    throw new Error(`${caller}: ${data.length} voxels but the model takes ${w}x${h}x${d}`);
  }
  return { x: data, y: new Float32Array(1), shape: [1, w, h, d, 1] };
}

/**
 * Probability (sigmoid output) that one scan is class 1. `x` is a Volume (NIfTI order, converted here) or
 * channels-last voxels already in the model's [w, h, d] layout.
 */
export async function predictProbability(model: tf.LayersModel, x: Float32Array | Volume): Promise<number> {
  const p = await predictBatch(model, scanInput(model, x, 'predictProbability'));
  if (p.length !== 1) {
    throw new Error(
      `predictProbability: the model has a ${p.length}-class softmax head; use predictProbabilities`,
    );
  }
  return p[0];
}

/** Every class's probability for one scan: [1 - p, p] for the sigmoid head, the k softmax outputs otherwise. */
export async function predictProbabilities(
  model: tf.LayersModel,
  x: Float32Array | Volume,
): Promise<number[]> {
  const p = await predictBatch(model, scanInput(model, x, 'predictProbabilities'));
  return p.length === 1 ? [1 - p[0], p[0]] : Array.from(p);
}
