/** The numbers formatEpochLine needs; an EpochEndEvent has them all. */
export interface EpochLineInput {
  epoch: number;
  epochs: number;
  steps: number;
  ms: number;
  msPerStep: number;
  acc: number;
  loss: number;
  val_acc?: number;
  val_loss?: number;
  val_auc?: number;
  /** Multi-class runs: the macro F1 and each class's recall (sensitivity) join the line. */
  val_macro_f1?: number;
  val_per_class?: readonly { recall: number }[];
  /** Set when every validation scan was given this one class. */
  val_one_class?: number;
}

/** Python's "%.4e": two-digit signed exponent (1.2340e-04). */
function pythonExp(v: number): string {
  const [mantissa, exp] = v.toExponential(4).split('e');
  const sign = exp.startsWith('-') ? '-' : '+';
  return `${mantissa}e${sign}${exp.replace(/^[-+]/, '').padStart(2, '0')}`;
}

/** A metric value as Keras' progress bar prints it: 4 decimals, scientific at or below 1e-3. */
export function formatMetricValue(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return Math.abs(v) > 1e-3 ? v.toFixed(4) : pythonExp(v);
}

/** Keras' per-step time: "2s/step", "373ms/step" or "85us/step". */
export function formatStepTime(msPerStep: number): string {
  const s = msPerStep / 1000;
  if (s >= 1 || s === 0) return `${s.toFixed(0)}s/step`;
  if (s >= 1e-3) return `${msPerStep.toFixed(0)}ms/step`;
  return `${(msPerStep * 1000).toFixed(0)}us/step`;
}

/**
 * The seed's verbose=2 epoch report, two lines:
 * "Epoch 3/100" and "70/70 - 26s - 373ms/step - acc: 0.5643 - loss: 0.6768 - val_acc: 0.5000 - ...".
 * When every validation scan got one class, a last part says so (not in the seed's log: a hint to the user).
 */
export function formatEpochLine(e: EpochLineInput): string {
  const width = String(e.steps).length;
  const parts = [
    `${String(e.steps).padStart(width)}/${e.steps}`,
    `${(e.ms / 1000).toFixed(0)}s`,
    formatStepTime(e.msPerStep),
  ];
  const metrics: [string, number | undefined][] = [
    ['acc', e.acc],
    ['loss', e.loss],
    ['val_acc', e.val_acc],
    ['val_loss', e.val_loss],
    ['val_auc', e.val_auc],
    ['val_macro_f1', e.val_macro_f1],
    ...(e.val_per_class ?? []).map((m, c): [string, number] => [`val_recall_${c}`, m.recall]),
  ];
  for (const [name, value] of metrics)
    if (value !== undefined) parts.push(`${name}: ${formatMetricValue(value)}`);
  if (e.val_one_class !== undefined) {
    parts.push(`every validation scan predicted class ${e.val_one_class} (collapsed to one class)`);
  }
  return `Epoch ${e.epoch}/${e.epochs}\n${parts.join(' - ')}`;
}

/**
 * The seed's prediction report for a sigmoid output p (probability of class 1):
 * "This model is 32.99 percent confident that CT scan is normal" / "... is abnormal", one line each.
 */
export function formatPrediction(
  p: number,
  classNames: readonly [string, string] = ['normal', 'abnormal'],
): string {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`formatPrediction: probability must be in [0, 1], got ${p}`);
  return formatPredictions([1 - p, p], classNames);
}

/**
 * The class names a prediction is reported with: the seed's 'normal' / 'abnormal' for a sigmoid head (one
 * unit), the run's names for a softmax head when it has one per unit (run.json), else 'class 0', 'class 1', ...
 */
export function predictionClassNames(units: number, known: readonly string[] = []): string[] {
  if (units === 1) return ['normal', 'abnormal'];
  return Array.from({ length: units }, (_, c) => (known.length === units ? known[c] : `class ${c}`));
}

/** The seed's sentence for each class of a softmax output: "This model is 12.34 percent confident that CT scan is CT-1". */
export function formatPredictions(scores: readonly number[], classNames: readonly string[]): string {
  if (scores.length !== classNames.length) {
    throw new RangeError(`formatPredictions: ${scores.length} scores but ${classNames.length} class names`);
  }
  return scores
    .map(
      (score, i) =>
        `This model is ${(100 * score).toFixed(2)} percent confident that CT scan is ${classNames[i]}`,
    )
    .join('\n');
}
