import {
  type Evaluation,
  type EvaluationSet,
  evaluateRun,
  isMulticlass,
  loadRun,
  type MulticlassEvaluation,
} from '@ct3d/train';
import { parseCommand, requireString, UsageError } from '../args.js';
import { initBackendOption } from './backend-option.js';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    run: { type: 'string' },
    cache: { type: 'string' },
    set: { type: 'string' },
    json: { type: 'boolean' },
    backend: { type: 'string' },
  });
  await initBackendOption(values.backend);
  const set = (values.set ?? 'all') as EvaluationSet;
  if (!['all', 'val', 'train'].includes(set))
    throw new UsageError(`--set must be all, val or train, got "${set}"`);
  const run = await loadRun(requireString(values.run, '--run <dir>'));
  const result = await evaluateRun(run, requireString(values.cache, '--cache <dir>'), { set });
  console.log(
    values.json
      ? JSON.stringify(summarize(result, set))
      : formatEvaluation(result, set, run.modelDir, run.info?.classNames),
  );
  return 0;
}

export function summarize(r: Evaluation, set: string) {
  if (isMulticlass(r)) {
    const { probabilities, labels, ids, predicted, ...metrics } = r;
    return { set, scans: labels.length, ...metrics };
  }
  const { probabilities, labels, ids, ...metrics } = r;
  return { set, scans: labels.length, ...metrics };
}

export function formatEvaluation(
  r: Evaluation,
  set: string,
  modelDir: string,
  classNames?: string[],
): string {
  if (isMulticlass(r)) return formatMulticlass(r, set, modelDir, classNames ?? []);
  const s = summarize(r, set);
  const num = (v: unknown) => (typeof v === 'number' ? v.toFixed(4) : String(v));
  const lines = [`${s.scans} scans (set: ${set}, model: ${modelDir})`];
  for (const [k, v] of Object.entries(s)) {
    if (k === 'set' || k === 'scans') continue;
    lines.push(`  ${k}: ${typeof v === 'object' ? JSON.stringify(v) : num(v)}`);
  }
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
