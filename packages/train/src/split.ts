import { createRng } from '@ct3d/core';

/** Anything with a binary/integer label; `source`, `id` or `path` give the sort key when present. */
export interface Labeled {
  label: number;
  id?: string;
  source?: string;
  path?: string;
}

/** A training / validation split. */
export interface Split<T> {
  train: T[];
  val: T[];
}

/** Options of splitEntries. */
export interface SplitOptions<T> {
  /** Fraction of each class that goes to validation (default 0.3: the seed's 70/30). */
  valFraction?: number;
  /** When set, each class is shuffled with this seed before splitting; otherwise sorted order (the seed). */
  splitSeed?: number;
  /** Sort key within a class (default: source, else path, else id). */
  key?: (entry: T) => string;
}

function defaultKey(e: Labeled): string {
  return e.source ?? e.path ?? e.id ?? '';
}

/** Entries grouped by label (ascending), each group sorted by key or shuffled by seed. */
export function groupByClass<T extends Labeled>(entries: readonly T[], opts: SplitOptions<T> = {}): T[][] {
  const key = opts.key ?? defaultKey;
  const labels = [...new Set(entries.map((e) => e.label))].sort((a, b) => a - b);
  return labels.map((label, i) => {
    const group = entries
      .filter((e) => e.label === label)
      .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    return opts.splitSeed === undefined ? group : createRng(opts.splitSeed + 7919 * i).shuffle(group);
  });
}

/**
 * The seed's split: per class, the first (1 - valFraction) of the entries train and the rest validate
 * (100 + 100 scans -> 70 + 70 train, 30 + 30 val). Classes keep ascending label order.
 */
export function splitEntries<T extends Labeled>(entries: readonly T[], opts: SplitOptions<T> = {}): Split<T> {
  const valFraction = opts.valFraction ?? 0.3;
  if (!(valFraction >= 0 && valFraction < 1)) {
    throw new RangeError(`splitEntries: valFraction must be in [0, 1), got ${valFraction}`);
  }
  const train: T[] = [];
  const val: T[] = [];
  for (const group of groupByClass(entries, opts)) {
    // Rounding the validation count (not flooring n * 0.7) avoids float surprises like 0.7 * 10.
    const nVal = Math.round(group.length * valFraction);
    const nTrain = group.length - nVal;
    train.push(...group.slice(0, nTrain));
    val.push(...group.slice(nTrain));
  }
  return { train, val };
}

/**
 * Stratified k-fold: each class (sorted, or shuffled by splitSeed) is cut into k contiguous chunks and
 * chunk `fold` (0-based) of every class validates. Folds are disjoint and together cover every entry.
 */
export function kFoldSplits<T extends Labeled>(
  entries: readonly T[],
  k: number,
  fold: number,
  opts: Omit<SplitOptions<T>, 'valFraction'> = {},
): Split<T> {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`kFoldSplits: k must be an integer >= 2, got ${k}`);
  if (!Number.isInteger(fold) || fold < 0 || fold >= k) {
    throw new RangeError(`kFoldSplits: fold must be an integer in [0, ${k - 1}], got ${fold}`);
  }
  const train: T[] = [];
  const val: T[] = [];
  for (const group of groupByClass(entries, opts)) {
    const start = Math.floor((fold * group.length) / k);
    const end = Math.floor(((fold + 1) * group.length) / k);
    group.forEach((e, i) => {
      (i >= start && i < end ? val : train).push(e);
    });
  }
  return { train, val };
}
