import { printable } from '@ct3d/core';
import {
  type Evaluation,
  type EvaluationSet,
  evaluateRun,
  isMulticlass,
  loadRun,
  type MulticlassEvaluation,
  type OperatingPoints,
  operatingPoints,
} from '@ct3d/train';
import { UsageError } from '../args.js';
import type { ArgsOf } from '../command.js';
import { initBackendOption } from './backend-option.js';
import type { evaluateOptions } from './options.js';

export async function run({ values }: ArgsOf<typeof evaluateOptions>): Promise<number> {
  await initBackendOption(values.backend);
  const set = values.set as EvaluationSet;
  if (!['all', 'val', 'train'].includes(set))
    throw new UsageError(`--set must be all, val or train, got "${set}"`);
  const run = await loadRun(values.run);
  const result = await evaluateRun(run, values.cache, { set });
  console.log(
    values.json
      ? JSON.stringify(summarize(result, set))
      : formatEvaluation(result, set, printable(run.modelDir), run.info?.classNames),
  );
  return 0;
}

export function summarize(r: Evaluation, set: string) {
  if (isMulticlass(r)) {
    const { probabilities, labels, ids, predicted, ...metrics } = r;
    return { set, scans: labels.length, ...metrics };
  }
  const { probabilities, labels, ids, ...metrics } = r;
  return { set, scans: labels.length, ...metrics, operatingPoints: binaryOperatingPoints(r) };
}

/** Operating points of a binary evaluation; null when the set lacks a class (no ROC to choose from). */
function binaryOperatingPoints(r: Exclude<Evaluation, MulticlassEvaluation>): OperatingPoints | null {
  return new Set(r.labels).size === 2 && !r.probabilities.some(Number.isNaN)
    ? operatingPoints(r.labels, r.probabilities)
    : null;
}

const pct = (v: number): string => (Number.isNaN(v) ? 'nan' : `${(100 * v).toFixed(1)}%`);

/** The operating-point lines of `ct3d evaluate`: Youden's J, sensitivity at 90/95% specificity, calibration. */
export function formatOperatingPoints(op: OperatingPoints | null): string[] {
  if (!op) return ['  operating points: need scans of both classes'];
  const atSpec = (name: string, p: OperatingPoints['atSpecificity90']) =>
    p
      ? `  sensitivity at ${name} specificity: ${pct(p.sensitivity)} (threshold ${p.threshold.toFixed(4)}, specificity ${pct(p.specificity)})`
      : `  sensitivity at ${name} specificity: no threshold reaches it`;
  const lines = [
    `  youden threshold: ${op.youden.threshold.toFixed(4)} (J ${op.youden.j.toFixed(4)}: sensitivity ${pct(op.youden.sensitivity)}, specificity ${pct(op.youden.specificity)})`,
    atSpec('90%', op.atSpecificity90),
    atSpec('95%', op.atSpecificity95),
    `  brier score: ${op.brier.toFixed(4)}  expected calibration error: ${op.ece.toFixed(4)}`,
    '  reliability (bin: scans, mean predicted, observed fraction abnormal):',
  ];
  for (const b of op.reliability) {
    if (b.count === 0) continue;
    lines.push(
      `    ${b.lo.toFixed(1)}-${b.hi.toFixed(1)}: ${String(b.count).padStart(4)}  ${b.meanPredicted.toFixed(4)}  ${b.observed.toFixed(4)}`,
    );
  }
  return lines;
}

export function formatEvaluation(
  r: Evaluation,
  set: string,
  modelDir: string,
  classNames?: string[],
): string {
  if (isMulticlass(r)) return formatMulticlass(r, set, modelDir, classNames ?? []);
  const { operatingPoints: op, ...s } = summarize(r, set) as ReturnType<typeof summarize> & {
    operatingPoints: OperatingPoints | null;
  };
  const num = (v: unknown) => (typeof v === 'number' ? v.toFixed(4) : String(v));
  const lines = [`${s.scans} scans (set: ${set}, model: ${modelDir})`];
  for (const [k, v] of Object.entries(s)) {
    if (k === 'set' || k === 'scans') continue;
    lines.push(`  ${k}: ${typeof v === 'object' ? JSON.stringify(v) : num(v)}`);
  }
  lines.push(...formatOperatingPoints(op));
  return lines.join('\n');
}

const f4 = (v: number): string => (Number.isNaN(v) ? 'nan' : v.toFixed(4));

/** Multi-class report: overall numbers, a per-class table and the k x k confusion matrix. */
export function formatMulticlass(
  r: MulticlassEvaluation,
  set: string,
  modelDir: string,
  classNames: string[],
): string {
  const names = r.perClass.map((_, c) => `${c} ${classNames[c] ?? `class ${c}`}`);
  const w = Math.max(5, ...names.map((n) => n.length));
  const lines = [
    `${r.n} scans (set: ${set}, model: ${modelDir}), ${r.classes} classes`,
    `  loss: ${f4(r.loss)} (categorical cross-entropy)`,
    `  acc: ${f4(r.acc)}`,
    `  auc: ${f4(r.auc)} (macro one-vs-rest)`,
    `  macro precision: ${f4(r.macro.precision)}  recall: ${f4(r.macro.recall)}  f1: ${f4(r.macro.f1)}`,
    `  ${'class'.padEnd(w)}  precision  recall     f1         auc        support`,
    ...r.perClass.map(
      (m, c) =>
        `  ${names[c].padEnd(w)}  ${f4(m.precision).padEnd(9)}  ${f4(m.recall).padEnd(9)}  ${f4(m.f1).padEnd(9)}  ${f4(m.auc).padEnd(9)}  ${m.support}`,
    ),
    '  confusion (rows: true class, columns: predicted class):',
    `  ${''.padEnd(w)}  ${r.perClass.map((_, c) => String(c).padStart(5)).join('')}`,
    ...r.confusion.map(
      (row, c) => `  ${names[c].padEnd(w)}  ${row.map((n) => String(n).padStart(5)).join('')}`,
    ),
  ];
  return lines.join('\n');
}
