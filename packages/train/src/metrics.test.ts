import { createRng } from '@ct3d/core';
import { describe, expect, it } from 'vitest';
import { binaryCrossEntropy, binaryMetrics, confusionCounts, confusionMatrix, rocAuc } from './metrics.js';

/** AUC by definition: over all (positive, negative) pairs, 1 if the positive scores higher, 1/2 on ties. */
function pairwiseAuc(labels: number[], scores: number[]): number {
  let sum = 0;
  let pairs = 0;
  labels.forEach((li, i) => {
    if (li !== 1) return;
    labels.forEach((lj, j) => {
      if (lj !== 0) return;
      pairs++;
      sum += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    });
  });
  return sum / pairs;
}

describe('rocAuc', () => {
  it('matches known cases', () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.75, 12); // sklearn's docstring example
    expect(rocAuc([0, 1, 0, 1], [0.1, 0.9, 0.2, 0.8])).toBe(1);
    expect(rocAuc([1, 0, 1, 0], [0.1, 0.9, 0.2, 0.8])).toBe(0);
    expect(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
    expect(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9])).toBeCloseTo(0.875, 12);
  });

  it('is NaN when a class is missing and rejects mismatched lengths', () => {
    expect(rocAuc([1, 1], [0.2, 0.3])).toBeNaN();
    expect(rocAuc([], [])).toBeNaN();
    expect(() => rocAuc([0, 1], [0.2])).toThrow(/2 labels but 1 scores/);
  });

  it('equals the pairwise definition on random data with many ties', () => {
    const rng = createRng(3);
    for (let t = 0; t < 20; t++) {
      const n = 5 + rng.int(40);
      const labels = Array.from({ length: n }, (_, i) => (i < 2 ? i : rng.int(2)));
      const scores = Array.from({ length: n }, () => rng.int(6) / 5);
      expect(rocAuc(labels, scores)).toBeCloseTo(pairwiseAuc(labels, scores), 12);
    }
  });
});

describe('binaryMetrics', () => {
  it('computes accuracy, sensitivity, specificity and the confusion matrix at 0.5 (strict)', () => {
    const labels = [1, 1, 1, 0, 0, 0, 0];
    const probs = [0.9, 0.6, 0.2, 0.5, 0.1, 0.7, 0.3];
    const m = binaryMetrics(labels, probs);
    expect(m.confusion).toEqual({ tn: 3, fp: 1, fn: 1, tp: 2 });
    expect(confusionMatrix(m.confusion)).toEqual([
      [3, 1],
      [1, 2],
    ]);
    expect(m.acc).toBeCloseTo(5 / 7, 12);
    expect(m.sensitivity).toBeCloseTo(2 / 3, 12);
    expect(m.specificity).toBeCloseTo(3 / 4, 12);
    expect(m.n).toBe(7);
    const expectedLoss =
      labels.reduce((s, y, i) => s - (y ? Math.log(probs[i]) : Math.log(1 - probs[i])), 0) / 7;
    expect(m.loss).toBeCloseTo(expectedLoss, 10);
    expect(confusionCounts([1, 0], [0.7, 0.7], 0.8)).toEqual({ tn: 1, fp: 0, fn: 1, tp: 0 });
  });

  it('clips probabilities like Keras and gives NaN rates for a missing class', () => {
    expect(binaryCrossEntropy(1, 0)).toBeCloseTo(-Math.log(1e-7), 6);
    expect(binaryCrossEntropy(0, 1)).toBeCloseTo(-Math.log(1e-7), 6);
    const m = binaryMetrics([0, 0], [0.2, 0.9]);
    expect(m.sensitivity).toBeNaN();
    expect(m.specificity).toBe(0.5);
    expect(m.auc).toBeNaN();
  });
});
