import { printable } from '@ct3d/core';
import { DEFAULT_EXPLANATION, EXPLAIN_METHODS, type ExplainMethod } from '@ct3d/model';
import { explainScanFile, loadRun, writeExplanation } from '@ct3d/train';
import { parseCommand, parseIntOption, requireString, UsageError } from '../args.js';
import { initBackendOption } from './backend-option.js';
import { parseSeriesOption } from './series-option.js';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, {
    run: { type: 'string' },
    out: { type: 'string' },
    method: { type: 'string' },
    layer: { type: 'string' },
    class: { type: 'string' },
    patch: { type: 'string' },
    series: { type: 'string' },
    backend: { type: 'string' },
  });
  const scan = requireString(positionals[0], '<scan.nii[.gz]|series-folder>');
  const runDir = requireString(values.run, '--run <dir>');
  const out = requireString(values.out, '--out <heat.nii.gz>');
  const method = parseMethod(values.method);
  if (values.layer !== undefined && method === 'occlusion')
    throw new UsageError('--layer applies to gradcam and gradcampp; occlusion takes --patch');
  const target = values.class === undefined ? undefined : parseIntOption(values.class, '--class', 0, 0);
  const maskSize = values.patch === undefined ? undefined : parseIntOption(values.patch, '--patch', 16, 1);
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

function parseMethod(text: string | undefined): ExplainMethod {
  if (text === undefined) return DEFAULT_EXPLANATION.method;
  const method = EXPLAIN_METHODS.find((m) => m === text);
  if (!method) throw new UsageError(`--method must be one of ${EXPLAIN_METHODS.join(', ')}, got "${text}"`);
  return method;
}
