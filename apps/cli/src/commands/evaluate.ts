import { type Evaluation, type EvaluationSet, evaluateRun, loadRun } from '@ct3d/train';
import { parseCommand, requireString, UsageError } from '../args.js';
import type { Command } from '../command.js';

export const evaluateCommand: Command = {
  name: 'evaluate',
  summary: "Score a run's best model on a cache: loss, accuracy, AUC, sensitivity, specificity, confusion",
  usage: 'ct3d evaluate --run <dir> --cache <dir> [--set all|val|train] [--json]',
  async run(argv) {
    const { values } = parseCommand(argv, {
      run: { type: 'string' },
      cache: { type: 'string' },
      set: { type: 'string' },
      json: { type: 'boolean' },
    });
    const set = (values.set ?? 'all') as EvaluationSet;
    if (!['all', 'val', 'train'].includes(set))
      throw new UsageError(`--set must be all, val or train, got "${set}"`);
    const run = await loadRun(requireString(values.run, '--run <dir>'));
    const result = await evaluateRun(run, requireString(values.cache, '--cache <dir>'), { set });
    console.log(
      values.json ? JSON.stringify(summarize(result, set)) : formatEvaluation(result, set, run.modelDir),
    );
    return 0;
  },
};

export function summarize(r: Evaluation, set: string) {
  const { probabilities, labels, ids, ...metrics } = r;
  return { set, scans: labels.length, ...metrics };
}

export function formatEvaluation(r: Evaluation, set: string, modelDir: string): string {
  const s = summarize(r, set);
  const num = (v: unknown) => (typeof v === 'number' ? v.toFixed(4) : String(v));
  const lines = [`${s.scans} scans (set: ${set}, model: ${modelDir})`];
  for (const [k, v] of Object.entries(s)) {
    if (k === 'set' || k === 'scans') continue;
    lines.push(`  ${k}: ${typeof v === 'object' ? JSON.stringify(v) : num(v)}`);
  }
  return lines.join('\n');
}
