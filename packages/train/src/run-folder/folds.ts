// The summary of a K-fold cross-validation run: each fold's best-epoch validation metrics (from its
// metrics.json, the epoch of its best checkpoint) and their mean and standard deviation, in folds.json.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { readJsonFile } from '../json-file.js';
import { FOLD_FILES, foldDirName, runPaths } from './layout.js';
import { writeRunFile } from './write-run-file.js';

/** One fold's best-epoch validation metrics. */
export interface FoldResult {
  fold: number;
  runDir: string;
  bestEpoch: number;
  /** Every numeric val_* metric of the fold's best epoch. */
  metrics: Record<string, number>;
}

/**
 * folds.json: each fold's result, the mean and sample standard deviation of each metric, the folds missing.
 */
export interface FoldSummary {
  folds: number;
  /** Folds with a finished run (metrics.json), in order. */
  results: FoldResult[];
  /** Folds not (yet) finished. */
  missing: number[];
  /** Per metric over the finished folds: the mean and the sample standard deviation (n - 1; 0 for one fold). */
  mean: Record<string, number>;
  std: Record<string, number>;
}

/** Mean and sample standard deviation (n - 1 in the denominator; 0 for a single value). */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, std: Number.NaN };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const ss = values.reduce((a, v) => a + (v - mean) ** 2, 0);
  return { mean, std: n > 1 ? Math.sqrt(ss / (n - 1)) : 0 };
}

/** Mean and std of each metric over fold results (a metric missing in some fold uses the folds that have it). */
export function foldStatistics(results: readonly FoldResult[]): Pick<FoldSummary, 'mean' | 'std'> {
  const names = [...new Set(results.flatMap((r) => Object.keys(r.metrics)))].sort();
  const mean: Record<string, number> = {};
  const std: Record<string, number> = {};
  for (const name of names) {
    const s = meanStd(results.flatMap((r) => (name in r.metrics ? [r.metrics[name]] : [])));
    mean[name] = s.mean;
    std[name] = s.std;
  }
  return { mean, std };
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

async function foldResult(runDir: string, fold: number): Promise<FoldResult | null> {
  const dir = join(runDir, foldDirName(fold));
  const file = runPaths(dir).metrics;
  if (!(await exists(file))) return null;
  const doc = (await readJsonFile(file)) as { bestEpoch?: number; best?: Record<string, unknown> | null };
  const metrics: Record<string, number> = {};
  for (const [key, value] of Object.entries(doc.best ?? {})) {
    if (key.startsWith('val_') && typeof value === 'number') metrics[key] = value;
  }
  return { fold, runDir: dir, bestEpoch: doc.bestEpoch ?? 0, metrics };
}

/** Reads fold-1 ... fold-K of `runDir` and writes folds.json (atomically); returns what it wrote. */
export async function summarizeFolds(runDir: string, folds: number): Promise<FoldSummary> {
  const results: FoldResult[] = [];
  const missing: number[] = [];
  for (let fold = 1; fold <= folds; fold++) {
    const r = await foldResult(runDir, fold);
    if (r) results.push(r);
    else missing.push(fold);
  }
  const summary: FoldSummary = { folds, results, missing, ...foldStatistics(results) };
  await writeRunFile(join(runDir, FOLD_FILES.summary), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

/** "val_auc: 0.8125 +- 0.0712 (folds: 0.7500, 0.8750)" lines for the CLI. */
export function formatFoldSummary(s: FoldSummary): string {
  const lines = [
    `${s.results.length} of ${s.folds} folds finished${s.missing.length ? ` (missing: ${s.missing.join(', ')})` : ''}; best-checkpoint validation metrics, mean +- sample std:`,
  ];
  for (const name of Object.keys(s.mean)) {
    const each = s.results.map((r) => (name in r.metrics ? r.metrics[name].toFixed(4) : '-')).join(', ');
    lines.push(`  ${name}: ${s.mean[name].toFixed(4)} +- ${s.std[name].toFixed(4)} (folds: ${each})`);
  }
  return lines.join('\n');
}
