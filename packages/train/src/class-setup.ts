import { balancedClassWeights, headUnits } from './multiclass.js';

/** `--class-weight`: sklearn-style 'balanced' (n / (k * n_c) over the training split) or explicit weights. */
export type ClassWeightOption = 'balanced' | number[];

/** How a run treats its classes; recorded in run.json as `classes`. */
export interface ClassSetup {
  /** k = largest label + 1 (at least 2). */
  count: number;
  /** Output units of the model: 1 (the seed's sigmoid) for k = 2, k (softmax) for k > 2. */
  outputUnits: number;
  names: string[];
  /** Scans per class in the training and validation splits. */
  trainCounts: number[];
  valCounts: number[];
  /** What was asked for (null: none) and the per-class loss weights it gave (null: all 1). */
  classWeight: ClassWeightOption | null;
  weights: number[] | null;
  /** Training-batch sampling: 'shuffle' (every scan once per epoch, the seed) or 'balanced'. */
  sampling: 'shuffle' | 'balanced';
}

function counts(labels: readonly number[], k: number): number[] {
  const c = new Array<number>(k).fill(0);
  for (const l of labels) c[l]++;
  return c;
}

/**
 * Refuses a split where a class 0..k-1 (k = largest label + 1, at least 2) has no scans, or none in the
 * training or the validation split: it could never be learned or measured (val_auc would be NaN).
 */
export function requireEveryClass(
  where: string,
  split: { train: readonly { label: number }[]; val: readonly { label: number }[] },
  names: readonly string[],
): void {
  const all = [...split.train, ...split.val].map((e) => e.label);
  const k = Math.max(2, ...all.map((l) => l + 1));
  const train = counts(
    split.train.map((e) => e.label),
    k,
  );
  const val = counts(
    split.val.map((e) => e.label),
    k,
  );
  for (let c = 0; c < k; c++) {
    const name = names[c] && names[c] !== `class ${c}` ? `class ${c} (${names[c]})` : `class ${c}`;
    const n = train[c] + val[c];
    if (n === 0) {
      throw new Error(
        `${where}: ${name} has no scans; training needs scans of every class 0..${k - 1} (at least 2 classes): ` +
          'add scans to its folder and re-run `ct3d ingest`',
      );
    }
    if (train[c] === 0 || val[c] === 0) {
      throw new Error(
        `${where}: ${name} has ${n} scan${n === 1 ? '' : 's'}, none left for ${train[c] === 0 ? 'training' : 'validation'}; ` +
          'every class needs scans in both splits (at least 2 each, K with --folds K): add scans or change --val-fraction',
      );
    }
  }
}

/**
 * The classes of a split cache: k from the labels, the head it needs, per-class counts and the loss
 * weights. A multi-class run needs training scans of every class 0..k-1 (an empty class could never be
 * learned, and its balanced weight would be infinite).
 */
export function classSetup(
  where: string,
  split: { train: readonly { label: number }[]; val: readonly { label: number }[] },
  names: readonly string[],
  opts: { classWeight?: ClassWeightOption; sampling?: 'shuffle' | 'balanced' } = {},
): ClassSetup {
  const all = [...split.train, ...split.val].map((e) => e.label);
  const k = Math.max(2, ...all.map((l) => l + 1));
  const trainLabels = split.train.map((e) => e.label);
  const trainCounts = counts(trainLabels, k);
  const needsEvery = k > 2 || opts.classWeight !== undefined || opts.sampling === 'balanced';
  const empty = trainCounts.indexOf(0);
  if (needsEvery && empty >= 0) {
    throw new Error(
      `${where}: class ${empty} (${names[empty] ?? `class ${empty}`}) has no training scans; ` +
        're-ingest with a class map whose labels are 0..k-1, every class with scans',
    );
  }
  let weights: number[] | null = null;
  if (opts.classWeight === 'balanced') weights = balancedClassWeights(trainLabels, k);
  else if (opts.classWeight) {
    if (opts.classWeight.length !== k || opts.classWeight.some((w) => !(w >= 0) || !Number.isFinite(w))) {
      throw new Error(
        `${where}: --class-weight needs ${k} finite weights >= 0, got ${opts.classWeight.join(',')}`,
      );
    }
    weights = [...opts.classWeight];
  }
  return {
    count: k,
    outputUnits: headUnits(k),
    names: Array.from({ length: k }, (_, c) => names[c] ?? `class ${c}`),
    trainCounts,
    valCounts: counts(
      split.val.map((e) => e.label),
      k,
    ),
    classWeight: opts.classWeight ?? null,
    weights,
    sampling: opts.sampling ?? 'shuffle',
  };
}
