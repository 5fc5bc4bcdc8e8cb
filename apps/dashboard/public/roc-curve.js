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
