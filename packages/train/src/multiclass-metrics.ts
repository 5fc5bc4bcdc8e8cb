import { rocAuc } from './metrics.js';

/** One class's validation metrics (one-vs-rest). */
export interface ClassMetrics {
  /** tp / (tp + fp); 0 when the class is never predicted (sklearn's zero_division=0). */
  precision: number;
  /** tp / (tp + fn), the class's sensitivity; 0 when the class has no samples. */
  recall: number;
  /** Harmonic mean of precision and recall; 0 when both are 0. */
  f1: number;
  /** Samples whose true class this is. */
  support: number;
  /** One-vs-rest ROC AUC of this class's probability; NaN when the class is absent (or alone). */
  auc: number;
}

/** Validation metrics of a k-class classifier (argmax predictions). */
export interface MulticlassMetrics {
  /** Number of classes k (the softmax width). */
  classes: number;
  /** Mean categorical cross-entropy (probabilities clipped to [1e-7, 1 - 1e-7] like Keras). */
  loss: number;
  /** Fraction whose most probable class (argmax) is the true class. */
  acc: number;
  /** Macro one-vs-rest ROC AUC: the mean of the per-class AUCs that are defined; NaN when none is. */
  auc: number;
  /** Unweighted means over all k classes (sklearn's average='macro'). */
  macro: { precision: number; recall: number; f1: number };
  perClass: ClassMetrics[];
  /** k x k counts: row = true class, column = predicted class (sklearn's confusion_matrix). */
  confusion: number[][];
  n: number;
}

const EPSILON = 1e-7;

/** Index of the largest value (the first one on ties, like numpy.argmax). */
export function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}

/** Per-sample categorical cross-entropy of integer label `label` under probabilities `row`, clipped like Keras. */
export function categoricalCrossEntropy(label: number, row: ArrayLike<number>): number {
  if (!Number.isInteger(label) || label < 0 || label >= row.length) {
    throw new RangeError(`categoricalCrossEntropy: label ${label} is not a class of ${row.length}`);
  }
  return -Math.log(Math.min(Math.max(row[label], EPSILON), 1 - EPSILON));
}

/** Splits a flat [n * k] row-major array into n rows of k. */
export function toRows(flat: ArrayLike<number>, k: number): number[][] {
  if (!Number.isInteger(k) || k < 1 || flat.length % k !== 0) {
    throw new RangeError(`toRows: ${flat.length} values are not rows of ${k}`);
  }
  return Array.from({ length: flat.length / k }, (_, i) =>
    Array.from({ length: k }, (_, c) => flat[i * k + c]),
  );
}

function ratio(num: number, den: number): number {
  return den > 0 ? num / den : 0;
}

function classMetrics(
  c: number,
  confusion: number[][],
  labels: ArrayLike<number>,
  probs: readonly ArrayLike<number>[],
): ClassMetrics {
  const k = confusion.length;
  const tp = confusion[c][c];
  let predicted = 0;
  for (let r = 0; r < k; r++) predicted += confusion[r][c];
  const support = confusion[c].reduce((a, b) => a + b, 0);
  const precision = ratio(tp, predicted);
  const recall = ratio(tp, support);
  const f1 = ratio(2 * precision * recall, precision + recall);
  const isC = Array.from(labels, (l) => (l === c ? 1 : 0));
  const auc = rocAuc(
    isC,
    probs.map((row) => row[c]),
  );
  return { precision, recall, f1, support, auc };
}

const mean = (xs: number[]): number =>
  xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN;

/**
 * Multi-class validation metrics from integer labels (0..k-1) and one probability row of k per sample:
 * categorical cross-entropy, argmax accuracy, k x k confusion, per-class precision/recall/F1/AUC and
 * their macro averages.
 */
export function multiclassMetrics(
  labels: ArrayLike<number>,
  probs: readonly ArrayLike<number>[],
  k: number,
): MulticlassMetrics {
  const n = labels.length;
  if (probs.length !== n)
    throw new RangeError(`multiclassMetrics: ${n} labels but ${probs.length} predictions`);
  if (!Number.isInteger(k) || k < 2)
    throw new RangeError(`multiclassMetrics: k must be an integer >= 2, got ${k}`);
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let lossSum = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    if (probs[i].length !== k)
      throw new RangeError(`multiclassMetrics: prediction ${i} has ${probs[i].length} classes, not ${k}`);
    lossSum += categoricalCrossEntropy(labels[i], probs[i]);
    const pred = argmax(probs[i]);
    confusion[labels[i]][pred]++;
    if (pred === labels[i]) correct++;
  }
  const perClass = Array.from({ length: k }, (_, c) => classMetrics(c, confusion, labels, probs));
  const aucs = perClass.map((m) => m.auc).filter((a) => !Number.isNaN(a));
  return {
    classes: k,
    loss: n > 0 ? lossSum / n : Number.NaN,
    // A NaN row has no argmax: accuracy over it would count a guess of class 0.
    acc: n > 0 && !probs.some((row) => Array.from(row).some(Number.isNaN)) ? correct / n : Number.NaN,
    auc: mean(aucs),
    macro: {
      precision: mean(perClass.map((m) => m.precision)),
      recall: mean(perClass.map((m) => m.recall)),
      f1: mean(perClass.map((m) => m.f1)),
    },
    perClass,
    confusion,
    n,
  };
}
