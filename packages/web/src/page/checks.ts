// What the page says about how far to trust an answer: the run's validation results, and warnings when the
// run is weak or the scan is unlike the scans the model was trained on. Pure functions over the manifest
// and the scan's numbers (the web tests run them in Node as well as in the page).
import type { TrainingSetRecord } from '@ct3d/train';
import type { WebManifest } from '../manifest.js';

/** Below this validation AUC the run's answers are close to chance: the page says so. */
export const WEAK_AUC = 0.6;

/** A scan's numbers the checks need: its source shape and its windowed HU mean and std (the worker's). */
export interface ScanNumbers {
  shape: [number, number, number];
  huMean: number;
  huStd: number;
}

const percent = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(1)} %`);

/** One line: the run's validation AUC, sensitivity and specificity at its threshold, and its training set. */
export function runFactsText(m: WebManifest): string {
  const trained = m.trainingScans === null ? 'an unrecorded number of' : String(m.trainingScans);
  const v = m.validation;
  if (!v) return `Trained on ${trained} scans; the run recorded no validation results.`;
  const on = v.scans === null ? '' : ` (${v.scans} scans, epoch ${v.epoch ?? '?'})`;
  return (
    `Validation${on}: AUC ${v.auc === null ? 'n/a' : v.auc.toFixed(3)}, sensitivity ${percent(v.sensitivity)} ` +
    `and specificity ${percent(v.specificity)} at threshold ${v.threshold}; trained on ${trained} scans.`
  );
}

/** Warnings about the run itself: no validation results, or a validation AUC below WEAK_AUC. */
export function runWarnings(m: WebManifest): string[] {
  const auc = m.validation?.auc ?? null;
  if (auc === null) return ['This run has no validation AUC: nothing says how often its answers are right.'];
  if (auc < WEAK_AUC)
    return [
      `This run's validation AUC is ${auc.toFixed(3)} (below ${WEAK_AUC}): its answers are close to chance.`,
    ];
  return [];
}

/** The interval outside which a value is far from the training scans': their 5-95 % range widened by it. */
function farFrom(q: TrainingSetRecord['huMean'], floor: number): [number, number] {
  const margin = Math.max(q.q95 - q.q05, floor);
  return [q.q05 - margin, q.q95 + margin];
}

/**
 * Warnings when the scan is far from the training set: an extent under half the smallest or over twice the
 * largest training source extent on that axis; a windowed HU mean (or std) outside the training scans' 5-95 %
 * range widened by that range's width (at least 50 HU for the mean, 25 HU for the std).
 */
export function scanWarnings(scan: ScanNumbers, set: TrainingSetRecord | null): string[] {
  if (!set) return ['The run did not record its training scans: whether this scan is like them is unknown.'];
  const out: string[] = [];
  const shape = set.sourceShape;
  if (shape) {
    const far = scan.shape.some((n, k) => n < shape.min[k] / 2 || n > shape.max[k] * 2);
    if (far)
      out.push(
        `The scan's shape ${scan.shape.join('x')} is far from the training scans' (${shape.min.join('x')} to ${shape.max.join('x')}).`,
      );
  }
  for (const [what, value, q, floor] of [
    ['mean', scan.huMean, set.huMean, 50],
    ['standard deviation', scan.huStd, set.huStd, 25],
  ] as const) {
    const [lo, hi] = farFrom(q, floor);
    if (value < lo || value > hi)
      out.push(
        `The scan's HU ${what} ${value.toFixed(0)} is far from the training scans' (${q.q05.toFixed(0)} to ${q.q95.toFixed(0)} for 90 % of them).`,
      );
  }
  return out;
}
