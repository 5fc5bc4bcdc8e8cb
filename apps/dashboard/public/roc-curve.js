// @ts-check
// The ROC curve's points for drawing. The trainer sends the AUC, confusion counts, sensitivity and
// specificity (@ct3d/train's metrics.ts owns those); it sends the per-scan probabilities, not the curve.

/**
 * (fpr, tpr) points sweeping the threshold down over every distinct probability (p > t is class 1), from
 * (0, 0) to (1, 1); null without both classes.
 * @param {import('./event-fields.js').Prediction[]} preds
 * @returns {{fpr: number[], tpr: number[]} | null}
 */
export function rocPoints(preds) {
  const pos = preds.filter((p) => p.label === 1).length;
  const neg = preds.length - pos;
  if (pos === 0 || neg === 0) return null;
  const sorted = [...preds].sort((a, b) => b.prob - a.prob);
  const fpr = [0];
  const tpr = [0];
  let tp = 0;
  let fp = 0;
  sorted.forEach((p, i) => {
    if (p.label === 1) tp++;
    else fp++;
    if (i === sorted.length - 1 || sorted[i + 1].prob !== p.prob) {
      fpr.push(fp / neg);
      tpr.push(tp / pos);
    }
  });
  return { fpr, tpr };
}

/**
 * Sensitivity (tpr) and false positive rate of `p > threshold`: a vertex of rocPoints' curve.
 * @param {import('./event-fields.js').Prediction[]} preds
 * @param {number} threshold
 * @returns {{threshold: number, fpr: number, tpr: number}}
 */
export function pointAtThreshold(preds, threshold) {
  const pos = preds.filter((p) => p.label === 1);
  const neg = preds.filter((p) => p.label !== 1);
  return {
    threshold,
    fpr: neg.filter((p) => p.prob > threshold).length / neg.length,
    tpr: pos.filter((p) => p.prob > threshold).length / pos.length,
  };
}

/**
 * The threshold that maximizes Youden's J = tpr - fpr over thresholds halfway between neighbouring distinct
 * probabilities (plus 0 and 1), ties to the one nearest 0.5: the same rule as @ct3d/train's
 * youdenThreshold, which `ct3d evaluate` and `ct3d predict --threshold youden` use. Null without both classes.
 * @param {import('./event-fields.js').Prediction[]} preds
 * @returns {{threshold: number, fpr: number, tpr: number} | null}
 */
export function youdenPoint(preds) {
  if (!preds.some((p) => p.label === 1) || preds.every((p) => p.label === 1)) return null;
  const distinct = [...new Set(preds.map((p) => p.prob))].sort((a, b) => a - b);
  const candidates = [...new Set([0, ...distinct.slice(1).map((p, i) => (distinct[i] + p) / 2), 1])].sort(
    (a, b) => a - b,
  );
  /** @type {{threshold: number, fpr: number, tpr: number} | null} */
  let best = null;
  for (const t of candidates) {
    const p = pointAtThreshold(preds, t);
    const j = p.tpr - p.fpr;
    const bestJ = best ? best.tpr - best.fpr : -Infinity;
    if (!best || j > bestJ || (j === bestJ && Math.abs(t - 0.5) < Math.abs(best.threshold - 0.5))) best = p;
  }
  return best;
}

/**
 * A series aligned with the ROC curve's points that is null except at the vertex (fpr, tpr): what uPlot
 * draws as one marked point on the curve.
 * @param {{fpr: number[], tpr: number[]}} roc
 * @param {{fpr: number, tpr: number}} point
 * @returns {(number | null)[]}
 */
export function markOnCurve(roc, point) {
  const i = roc.fpr.findIndex((f, k) => f === point.fpr && roc.tpr[k] === point.tpr);
  return roc.fpr.map((_, k) => (k === i ? point.tpr : null));
}
