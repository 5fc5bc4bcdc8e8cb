import { describe, expect, it } from 'vitest';
import { argmax, categoricalCrossEntropy, multiclassMetrics, toRows } from './multiclass-metrics.js';

// A scripted 3-class validation set of 7 scans.
const LABELS = [0, 0, 1, 1, 1, 2, 2];
const PROBS = [
  [0.7, 0.2, 0.1], // 0 -> 0
  [0.2, 0.5, 0.3], // 0 -> 1
  [0.1, 0.8, 0.1], // 1 -> 1
  [0.3, 0.6, 0.1], // 1 -> 1
  [0.2, 0.3, 0.5], // 1 -> 2
  [0.1, 0.1, 0.8], // 2 -> 2
  [0.4, 0.4, 0.2], // 2 -> 0 (tie: the first class, like numpy)
];

describe('multiclassMetrics', () => {
  it('gives the hand-computed confusion, per-class and macro metrics', () => {
    const m = multiclassMetrics(LABELS, PROBS, 3);
    expect(m.confusion).toEqual([
      [1, 1, 0],
      [0, 2, 1],
      [1, 0, 1],
    ]);
    expect(m.acc).toBeCloseTo(4 / 7, 12);
    const nll = [0.7, 0.2, 0.8, 0.6, 0.3, 0.8, 0.2].map((p) => -Math.log(p));
    expect(m.loss).toBeCloseTo(nll.reduce((a, b) => a + b) / 7, 12);
    // class 0: tp 1, predicted 2, support 2; class 1: tp 2, predicted 3, support 3; class 2: tp 1, predicted 2, support 2
    const expected = [
      { precision: 1 / 2, recall: 1 / 2, support: 2 },
      { precision: 2 / 3, recall: 2 / 3, support: 3 },
      { precision: 1 / 2, recall: 1 / 2, support: 2 },
    ];
    expected.forEach((e, c) => {
      expect(m.perClass[c].precision).toBeCloseTo(e.precision, 12);
      expect(m.perClass[c].recall).toBeCloseTo(e.recall, 12);
      expect(m.perClass[c].f1).toBeCloseTo(e.precision, 12); // precision = recall here
      expect(m.perClass[c].support).toBe(e.support);
    });
    expect(m.macro.precision).toBeCloseTo((1 / 2 + 2 / 3 + 1 / 2) / 3, 12);
    expect(m.macro.f1).toBeCloseTo((1 / 2 + 2 / 3 + 1 / 2) / 3, 12);
    // One-vs-rest AUC of class 0: positives score 0.7, 0.2; negatives 0.1, 0.3, 0.2, 0.1, 0.4.
    // 0.7 beats all 5; 0.2 beats 0.1, 0.1 and ties 0.2 -> (5 + 2.5) / 10.
    expect(m.perClass[0].auc).toBeCloseTo(0.75, 12);
    expect(m.auc).toBeCloseTo((m.perClass[0].auc + m.perClass[1].auc + m.perClass[2].auc) / 3, 12);
    expect(m.n).toBe(7);
  });

  it('scores a never-predicted class 0 (sklearn zero_division) and an absent class NaN AUC', () => {
    const m = multiclassMetrics(
      [0, 1],
      [
        [0.9, 0.05, 0.05],
        [0.1, 0.8, 0.1],
      ],
      3,
    );
    expect(m.perClass[2]).toEqual({ precision: 0, recall: 0, f1: 0, support: 0, auc: Number.NaN });
    expect(m.auc).toBe(1); // mean of the defined AUCs (classes 0 and 1)
    expect(m.macro.recall).toBeCloseTo(2 / 3, 12);
  });

  it('rejects bad input', () => {
    expect(() => multiclassMetrics([0], [[0.5, 0.5]], 3)).toThrow(/prediction 0 has 2 classes, not 3/);
    expect(() => multiclassMetrics([0, 1], [[1, 0]], 2)).toThrow(/2 labels but 1 predictions/);
    expect(() => categoricalCrossEntropy(3, [0.5, 0.5])).toThrow(/label 3 is not a class of 2/);
  });
});

describe('helpers', () => {
  it('argmax, toRows, clipped cross-entropy', () => {
    expect(argmax([0.1, 0.7, 0.7])).toBe(1);
    expect(toRows([1, 2, 3, 4, 5, 6], 3)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(() => toRows([1, 2, 3], 2)).toThrow(/not rows of 2/);
    expect(categoricalCrossEntropy(1, [1, 0])).toBeCloseTo(-Math.log(1e-7), 9);
  });
});
