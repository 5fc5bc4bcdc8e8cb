/** Binary confusion counts at a threshold: rows true label, columns predicted (sklearn order). */
export interface Confusion {
  tn: number;
  fp: number;
  fn: number;
  tp: number;
}

/** Validation metrics of a binary classifier at a threshold. */
export interface BinaryMetrics {
  /** Mean binary cross-entropy (Keras: probabilities clipped to [1e-7, 1 - 1e-7]). */
  loss: number;
  /** Fraction with (p > threshold) === label, as Keras binary_accuracy. */
  acc: number;
  /** Exact ROC AUC (Mann-Whitney, ties count 1/2); NaN when one class is absent. */
  auc: number;
  /** tp / (tp + fn); NaN without positives. */
  sensitivity: number;
  /** tn / (tn + fp); NaN without negatives. */
  specificity: number;
  confusion: Confusion;
  n: number;
}

const EPSILON = 1e-7;

/** Per-sample binary cross-entropy of a probability, clipped like Keras. */
export function binaryCrossEntropy(label: number, p: number): number {
  const q = Math.min(Math.max(p, EPSILON), 1 - EPSILON);
  return -(label * Math.log(q) + (1 - label) * Math.log(1 - q));
}

export function confusionCounts(
  labels: ArrayLike<number>,
  probs: ArrayLike<number>,
  threshold = 0.5,
): Confusion {
  const c: Confusion = { tn: 0, fp: 0, fn: 0, tp: 0 };
  for (let i = 0; i < labels.length; i++) {
    const positive = labels[i] > 0.5;
    const predicted = probs[i] > threshold;
    if (positive) predicted ? c.tp++ : c.fn++;
    else predicted ? c.fp++ : c.tn++;
  }
  return c;
}

/** [[tn, fp], [fn, tp]]: row = true class (0, 1), column = predicted class. */
export function confusionMatrix(c: Confusion): number[][] {
  return [
    [c.tn, c.fp],
    [c.fn, c.tp],
  ];
}

/**
 * Exact ROC AUC: the probability that a random positive scores above a random negative, ties counting
 * one half. Computed from mid-ranks in O(n log n). NaN when either class is missing or any score is NaN.
 */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const n = labels.length;
  if (scores.length !== n) throw new RangeError(`rocAuc: ${n} labels but ${scores.length} scores`);
  // NaN has no rank: sorted with it, a model of NaN weights could score a "perfect" 1.0.
  for (let i = 0; i < n; i++) if (Number.isNaN(scores[i])) return Number.NaN;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let rankSumPos = 0;
  let nPos = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const midRank = (i + j) / 2 + 1; // ranks are 1-based
    for (let t = i; t <= j; t++) {
      if (labels[order[t]] > 0.5) {
        rankSumPos += midRank;
        nPos++;
      }
    }
    i = j + 1;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return Number.NaN;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** All validation metrics from labels and predicted probabilities. */
export function binaryMetrics(
  labels: ArrayLike<number>,
  probs: ArrayLike<number>,
  threshold = 0.5,
): BinaryMetrics {
  const n = labels.length;
  if (probs.length !== n) throw new RangeError(`binaryMetrics: ${n} labels but ${probs.length} predictions`);
  let lossSum = 0;
  for (let i = 0; i < n; i++) lossSum += binaryCrossEntropy(labels[i], probs[i]);
  const confusion = confusionCounts(labels, probs, threshold);
  const { tn, fp, fn, tp } = confusion;
  // A NaN probability is no prediction: the counts would score it as class 0, so the rates are NaN.
  if (Array.from(probs).some(Number.isNaN)) {
    const nan = Number.NaN;
    return { loss: nan, acc: nan, auc: nan, sensitivity: nan, specificity: nan, confusion, n };
  }
  return {
    loss: n > 0 ? lossSum / n : Number.NaN,
    acc: n > 0 ? (tp + tn) / n : Number.NaN,
    auc: rocAuc(labels, probs),
    sensitivity: tp + fn > 0 ? tp / (tp + fn) : Number.NaN,
    specificity: tn + fp > 0 ? tn / (tn + fp) : Number.NaN,
    confusion,
    n,
  };
}
