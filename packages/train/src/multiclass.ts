import { tf } from '@ct3d/model';
import { argmax, toRows } from './multiclass-metrics.js';

const EPSILON = 1e-7;

/**
 * Output units of a model's single output: 1 is the seed's sigmoid head (binary), k > 1 a softmax over k
 * classes.
 */
export function outputUnits(model: tf.LayersModel): number {
  const shape = model.outputs[0]?.shape ?? [];
  const units = shape[shape.length - 1];
  if (model.outputs.length !== 1 || shape.length !== 2 || typeof units !== 'number' || units < 1) {
    throw new Error(`the model must have one [batch, units] output, got [${shape.join(', ')}]`);
  }
  return units;
}

/** The head a k-class problem trains: k <= 2 is the seed's single sigmoid unit, k > 2 a softmax of k. */
export function headUnits(k: number): number {
  return k > 2 ? k : 1;
}

/** Keras' name of the loss a head of `units` trains with. */
export function lossName(units: number): string {
  return units === 1 ? 'binary_crossentropy' : 'sparse_categorical_crossentropy';
}

/**
 * sklearn's class_weight='balanced': n / (k * n_c) for each class c of 0..k-1, so every class contributes
 * the same total weight. A class without samples is an error (its weight would be infinite).
 */
export function balancedClassWeights(labels: ArrayLike<number>, k: number): number[] {
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (!Number.isInteger(l) || l < 0 || l >= k)
      throw new RangeError(`balancedClassWeights: label ${l} is not in 0..${k - 1}`);
    counts[l]++;
  }
  const empty = counts.indexOf(0);
  if (empty >= 0) throw new Error(`balancedClassWeights: class ${empty} has no samples`);
  return counts.map((c) => labels.length / (k * c));
}

/** Each sample's weight: the weight of its class. */
export function sampleWeights(labels: ArrayLike<number>, classWeights: readonly number[]): Float32Array {
  return Float32Array.from(labels, (l) => {
    const w = classWeights[l];
    if (w === undefined)
      throw new RangeError(`class weights name ${classWeights.length} classes, but a label is ${l}`);
    return w;
  });
}

/**
 * Mean over the batch of weight_i * -log p_i[label_i] (Keras' sparse categorical cross-entropy with
 * sample weights: the sum divided by the batch size). `labels` holds integer class indices, `probs` is
 * [b, k] softmax output; without weights every sample weighs 1.
 */
export function categoricalCrossEntropyTensor(
  labels: tf.Tensor,
  probs: tf.Tensor,
  weights?: tf.Tensor,
): tf.Scalar {
  return tf.tidy(() => {
    const k = probs.shape[probs.shape.length - 1] as number;
    const oneHot = tf.oneHot(tf.cast(tf.reshape(labels, [-1]), 'int32'), k);
    const p = tf.clipByValue(probs, EPSILON, 1 - EPSILON);
    const nll = tf.neg(tf.sum(tf.mul(oneHot, tf.log(p)), -1));
    const weighted = weights ? tf.mul(nll, tf.reshape(weights, [-1])) : nll;
    return tf.mean(weighted) as tf.Scalar;
  });
}

/**
 * Correct predictions in a batch: `probs` holds one sigmoid probability per sample (p > threshold is
 * class 1, Keras binary accuracy) or k softmax probabilities per sample, row-major (argmax).
 */
export function countCorrect(probs: ArrayLike<number>, labels: ArrayLike<number>, threshold: number): number {
  const n = labels.length;
  let correct = 0;
  if (probs.length === n) {
    for (let i = 0; i < n; i++) if (probs[i] > threshold === labels[i] > 0.5) correct++;
    return correct;
  }
  const k = probs.length / n;
  if (!Number.isInteger(k))
    throw new RangeError(`countCorrect: ${probs.length} probabilities for ${n} labels`);
  for (const [i, row] of toRows(probs, k).entries()) if (argmax(row) === labels[i]) correct++;
  return correct;
}
