import { printable } from '@ct3d/core';
import { loadRun, predictScanFile, runYoudenThreshold, type ScanPrediction } from '@ct3d/train';
import { UsageError } from '../args.js';
import type { ArgsOf } from '../command.js';
import { initBackendOption } from './backend-option.js';
import type { predictOptions } from './options.js';
import { parseSeriesOption } from './series-option.js';

/** The decision threshold: a number in (0, 1), or the run's Youden's J threshold; null when not given. */
interface ChosenThreshold {
  value: number;
  /** Where it came from, for the printed line. */
  source: string;
}

async function chooseThreshold(text: string | undefined, runDir: string): Promise<ChosenThreshold | null> {
  if (text === undefined) return null;
  if (text === 'youden') {
    const op = await runYoudenThreshold(runDir);
    return {
      value: op.threshold,
      source: `Youden's J on the ${op.scans} validation scans of epoch ${op.epoch}`,
    };
  }
  const value = Number(text);
  if (text.trim() === '' || !(value > 0 && value < 1)) {
    throw new UsageError(`--threshold must be a number between 0 and 1 or "youden", got "${text}"`);
  }
  return { value, source: 'given' };
}

/** "Predicted: abnormal (p 0.6210 > threshold 0.4300, Youden's J ...)". */
function decisionLine(p: ScanPrediction, t: ChosenThreshold): string {
  const positive = p.probability > t.value;
  const name = p.classNames[positive ? 1 : 0];
  return `Predicted: ${name} (p ${p.probability.toFixed(4)} ${positive ? '>' : '<='} threshold ${t.value.toFixed(4)}, ${t.source})`;
}

export async function run({ values, positionals }: ArgsOf<typeof predictOptions>): Promise<number> {
  const [scan] = positionals;
  const runDir = values.run;
  const threshold = await chooseThreshold(values.threshold, runDir);
  await initBackendOption(values.backend);
  const run = await loadRun(runDir);
  const p = await predictScanFile(run, scan, { series: parseSeriesOption(values.series) });
  for (const s of p.skipped) console.error(`skipped ${printable(s.name)}: ${printable(s.reason)}`);
  if (threshold && p.probabilities.length !== 2) {
    throw new UsageError('--threshold applies to the binary (sigmoid) head; this run has a softmax head');
  }
  const decided = threshold ? (p.probability > threshold.value ? 1 : 0) : p.predicted;
  if (values.json) {
    console.log(
      JSON.stringify({
        scan,
        probability: p.probability,
        probabilities: p.probabilities,
        predicted: decided,
        ...(p.probabilities.length === 2 && { threshold: threshold?.value ?? 0.5 }),
        classNames: p.classNames,
        model: run.modelDir,
      }),
    );
  } else {
    console.log(p.text);
    if (threshold) console.log(decisionLine(p, threshold));
  }
  return 0;
}
