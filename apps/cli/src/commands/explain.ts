import { printable } from '@ct3d/core';
import { EXPLAIN_METHODS, type ExplainMethod } from '@ct3d/model';
import { explainScanFile, loadRun, writeExplanation } from '@ct3d/train';
import { parseIntOption, UsageError } from '../args.js';
import type { ArgsOf } from '../command.js';
import { initBackendOption } from './backend-option.js';
import type { explainOptions } from './options.js';
import { parseSeriesOption } from './series-option.js';

export async function run({ values, positionals }: ArgsOf<typeof explainOptions>): Promise<number> {
  const [scan] = positionals;
  const { run: runDir, out } = values;
  const method = parseMethod(values.method);
  if (values.layer !== undefined && method === 'occlusion')
    throw new UsageError('--layer applies to gradcam and gradcampp; occlusion takes --patch');
  const target = values.class === undefined ? undefined : parseIntOption(values.class, '--class');
  const maskSize = parseIntOption(values.patch, '--patch', 1);
  await initBackendOption(values.backend);
  const run = await loadRun(runDir);
  const e = await explainScanFile(run, scan, {
    method,
    layer: values.layer,
    target,
    maskSize,
    series: parseSeriesOption(values.series),
  });
  await writeExplanation(e, out);
  console.log(
    `wrote ${printable(out)}: ${e.method} (${printable(e.layer)}) evidence for "${printable(e.className)}" ` +
      `(p ${e.probability.toFixed(4)}), ${e.map.shape.join('x')} in the scan's space`,
  );
  return 0;
}

function parseMethod(text: string): ExplainMethod {
  const method = EXPLAIN_METHODS.find((m) => m === text);
  if (!method) throw new UsageError(`--method must be one of ${EXPLAIN_METHODS.join(', ')}, got "${text}"`);
  return method;
}
