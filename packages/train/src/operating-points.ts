// Operating points of a binary classifier from labels and probabilities of class 1: the threshold that
// maximizes Youden's J, the sensitivity reachable at a required specificity, and calibration (a reliability
// table and the Brier score). Pure functions; a prediction is class 1 when p > threshold, as in metrics.ts.

/** One threshold's rates. */
export interface OperatingPoint {
  /** p > threshold is class 1. */
  threshold: number;
  sensitivity: number;
  specificity: number;
}

/** One bin of a reliability table: predictions with p in [lo, hi) (the last bin includes 1). */
export interface ReliabilityBin {
  lo: number;
  hi: number;
  count: number;
  /** Mean predicted probability in the bin (NaN when empty). */
  meanPredicted: number;
  /** Fraction of the bin's scans that are class 1 (NaN when empty). */
  observed: number;
}

/** What `ct3d evaluate` prints about a binary classifier's probabilities. */
export interface OperatingPoints {
  n: number;
  positives: number;
  negatives: number;
  /** The threshold that maximizes sensitivity + specificity - 1, and that J. */
  youden: OperatingPoint & { j: number };
  /** Highest sensitivity with specificity >= 0.90 and >= 0.95 (null when no threshold reaches it). */
  atSpecificity90: OperatingPoint | null;
  atSpecificity95: OperatingPoint | null;
  /** Mean squared difference between probability and label (0 is perfect; 0.25 is always saying 0.5). */
  brier: number;
  /** Expected calibration error: the count-weighted mean |observed - meanPredicted| over the bins. */
  ece: number;
  reliability: ReliabilityBin[];
}

function check(labels: ArrayLike<number>, probs: ArrayLike<number>, caller: string): void {
  if (labels.length !== probs.length) {
    throw new RangeError(`${caller}: ${labels.length} labels but ${probs.length} probabilities`);
  }
  for (let i = 0; i < probs.length; i++) {
    if (!(probs[i] >= 0 && probs[i] <= 1)) {
      throw new RangeError(`${caller}: probability ${i} is ${probs[i]}, not in [0, 1]`);
    }
  }
}

/**
 * Every distinct decision on these scores, from "all class 1" to "all class 0": thresholds halfway between
 * neighbouring distinct probabilities (so a slightly different score decides the same way), plus 0 and 1.
 */
export function candidateThresholds(probs: ArrayLike<number>): number[] {
  const distinct = [...new Set(Array.from(probs))].sort((a, b) => a - b);
  const mids = distinct.slice(1).map((p, i) => (distinct[i] + p) / 2);
  return [...new Set([0, ...mids, 1])].sort((a, b) => a - b);
}

/** Sensitivity and specificity of `p > threshold`; NaN for a class that is absent. */
export function pointAt(
  labels: ArrayLike<number>,
  probs: ArrayLike<number>,
  threshold: number,
): OperatingPoint {
  let tp = 0;
  let fn = 0;
  let tn = 0;
  let fp = 0;
  for (let i = 0; i < labels.length; i++) {
    const predicted = probs[i] > threshold;
    if (labels[i] > 0.5) predicted ? tp++ : fn++;
    else predicted ? fp++ : tn++;
  }
  return {
    threshold,
    sensitivity: tp + fn > 0 ? tp / (tp + fn) : Number.NaN,
    specificity: tn + fp > 0 ? tn / (tn + fp) : Number.NaN,
  };
}

/** Youden's J = sensitivity + specificity - 1, maximized over the candidate thresholds (ties: the one nearest 0.5). */
export function youdenThreshold(
  labels: ArrayLike<number>,
  probs: ArrayLike<number>,
): OperatingPoint & { j: number } {
  check(labels, probs, 'youdenThreshold');
  let best: (OperatingPoint & { j: number }) | null = null;
  for (const t of candidateThresholds(probs)) {
    const p = pointAt(labels, probs, t);
    const j = p.sensitivity + p.specificity - 1;
    const better =
      best === null || j > best.j || (j === best.j && Math.abs(t - 0.5) < Math.abs(best.threshold - 0.5));
    if (better) best = { ...p, j };
  }
  if (best === null || Number.isNaN(best.j)) {
    throw new RangeError('youdenThreshold: needs scans of both classes');
  }
  return best;
}

/** The highest sensitivity among thresholds whose specificity is at least `minSpecificity`. */
export function sensitivityAtSpecificity(
  labels: ArrayLike<number>,
  probs: ArrayLike<number>,
  minSpecificity: number,
): OperatingPoint | null {
  check(labels, probs, 'sensitivityAtSpecificity');
  let best: OperatingPoint | null = null;
  for (const t of candidateThresholds(probs)) {
    const p = pointAt(labels, probs, t);
    if (!(p.specificity >= minSpecificity)) continue;
    if (best === null || p.sensitivity > best.sensitivity) best = p;
  }
  return best;
}

/** Brier score: mean (p - label)^2. */
export function brierScore(labels: ArrayLike<number>, probs: ArrayLike<number>): number {
  check(labels, probs, 'brierScore');
  let sum = 0;
  for (let i = 0; i < labels.length; i++) sum += (probs[i] - (labels[i] > 0.5 ? 1 : 0)) ** 2;
  return labels.length > 0 ? sum / labels.length : Number.NaN;
}

/** Reliability table over `bins` equal-width probability bins (default 10). */
export function reliabilityTable(
  labels: ArrayLike<number>,
  probs: ArrayLike<number>,
  bins = 10,
): ReliabilityBin[] {
  check(labels, probs, 'reliabilityTable');
  if (!Number.isInteger(bins) || bins < 1)
    throw new RangeError(`reliabilityTable: bins must be >= 1, got ${bins}`);
  const sums = Array.from({ length: bins }, () => ({ count: 0, p: 0, positives: 0 }));
  for (let i = 0; i < probs.length; i++) {
    const b = sums[Math.min(bins - 1, Math.floor(probs[i] * bins))];
    b.count++;
    b.p += probs[i];
    if (labels[i] > 0.5) b.positives++;
  }
  return sums.map((s, b) => ({
    lo: b / bins,
    hi: (b + 1) / bins,
    count: s.count,
    meanPredicted: s.count > 0 ? s.p / s.count : Number.NaN,
    observed: s.count > 0 ? s.positives / s.count : Number.NaN,
  }));
}

/** Everything above for one set of predictions; needs both classes. */
export function operatingPoints(
  labels: ArrayLike<number>,
  probs: ArrayLike<number>,
  bins = 10,
): OperatingPoints {
  const reliability = reliabilityTable(labels, probs, bins);
  const n = labels.length;
  const ece = reliability.reduce(
    (e, b) => (b.count > 0 ? e + (b.count / n) * Math.abs(b.observed - b.meanPredicted) : e),
    0,
  );
  const positives = Array.from(labels).filter((l) => l > 0.5).length;
  return {
    n,
    positives,
    negatives: n - positives,
    youden: youdenThreshold(labels, probs),
    atSpecificity90: sensitivityAtSpecificity(labels, probs, 0.9),
    atSpecificity95: sensitivityAtSpecificity(labels, probs, 0.95),
    brier: brierScore(labels, probs),
    ece,
    reliability,
  };
}
