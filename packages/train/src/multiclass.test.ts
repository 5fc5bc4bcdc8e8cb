import { initBackend, tf } from '@ct3d/model';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  balancedClassWeights,
  categoricalCrossEntropyTensor,
  countCorrect,
  headUnits,
  lossName,
  sampleWeights,
} from './multiclass.js';
import { batchLossTensor, binaryCrossEntropyTensor } from './step.js';

beforeAll(async () => {
  await initBackend('cpu');
});

const value = (t: tf.Scalar): number => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};

describe('categorical cross-entropy', () => {
  const labels = tf.tensor1d([2, 0, 1]);
  const probs = tf.tensor2d([
    [0.1, 0.2, 0.7],
    [0.5, 0.25, 0.25],
    [0.3, 0.6, 0.1],
  ]);

  it('equals the mean of -log p[label]', () => {
    const hand = -(Math.log(0.7) + Math.log(0.5) + Math.log(0.6)) / 3;
    expect(value(categoricalCrossEntropyTensor(labels, probs))).toBeCloseTo(hand, 6);
    expect(value(batchLossTensor(labels, probs, null))).toBeCloseTo(hand, 6);
  });

  it('class weights scale each sample, then the batch mean (Keras sample weights)', () => {
    const classWeights = [2, 0.5, 1];
    const w = tf.tensor1d(sampleWeights([2, 0, 1], classWeights));
    const hand = -(1 * Math.log(0.7) + 2 * Math.log(0.5) + 0.5 * Math.log(0.6)) / 3;
    expect(value(categoricalCrossEntropyTensor(labels, probs, w))).toBeCloseTo(hand, 6);
    expect(value(batchLossTensor(labels, probs, w))).toBeCloseTo(hand, 6);
    w.dispose();
  });

  it('weighted binary cross-entropy; the unweighted binary loss is the seed one', () => {
    const y = tf.tensor2d([1, 0], [2, 1]);
    const p = tf.tensor2d([0.8, 0.4], [2, 1]);
    const w = tf.tensor1d(sampleWeights([1, 0], [0.75, 1.5]));
    const hand = -(1.5 * Math.log(0.8) + 0.75 * Math.log(0.6)) / 2;
    expect(value(binaryCrossEntropyTensor(y, p, w))).toBeCloseTo(hand, 6);
    expect(value(batchLossTensor(y, p, w))).toBeCloseTo(hand, 6);
    expect(value(batchLossTensor(y, p, null))).toBe(value(binaryCrossEntropyTensor(y, p)));
    tf.dispose([y, p, w]);
  });
});

describe('class weights and accuracy', () => {
  it("balanced weights are n / (k * n_c), like sklearn's", () => {
    // 254 normal vs 856 abnormal scans (full MosMedData, binary)
    const labels = [...new Array(254).fill(0), ...new Array(856).fill(1)];
    const [w0, w1] = balancedClassWeights(labels, 2);
    expect(w0).toBeCloseTo(1110 / (2 * 254), 12);
    expect(w1).toBeCloseTo(1110 / (2 * 856), 12);
    expect(254 * w0).toBeCloseTo(856 * w1, 9); // each class weighs n / 2 in total
    expect(() => balancedClassWeights([0, 0, 2], 3)).toThrow(/class 1 has no samples/);
    expect(() => sampleWeights([0, 3], [1, 1])).toThrow(/a label is 3/);
  });

  it('counts threshold hits for one probability per sample, argmax hits for rows', () => {
    expect(countCorrect(Float32Array.of(0.6, 0.4, 0.5), Float32Array.of(1, 1, 0), 0.5)).toBe(2);
    expect(countCorrect(Float32Array.of(0.1, 0.2, 0.7, 0.5, 0.3, 0.2), Float32Array.of(2, 1), 0.5)).toBe(1);
    expect(headUnits(2)).toBe(1);
    expect(headUnits(5)).toBe(5);
    expect(lossName(1)).toBe('binary_crossentropy');
    expect(lossName(3)).toBe('sparse_categorical_crossentropy');
  });
});
