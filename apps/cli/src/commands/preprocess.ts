import { printable } from '@ct3d/core';
import { readScan, writeNifti } from '@ct3d/io/node';
import { processScan } from '@ct3d/preprocess';
import { parseCommand, parseSize, requireString } from '../args.js';
import { parseSeriesOption } from './series-option.js';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, {
    size: { type: 'string' },
    series: { type: 'string' },
  });
  const input = requireString(positionals[0], 'input scan');
  const output = requireString(positionals[1], 'output path');
  const size = values.size ? parseSize(values.size) : ([128, 128, 64] as [number, number, number]);
  const volume = await readScan(input, { series: parseSeriesOption(values.series) });
  for (const s of volume.skipped) console.error(`skipped ${printable(s.name)}: ${printable(s.reason)}`);
  if (volume.nonFinite > 0) {
    console.error(`${printable(input)}: ${volume.nonFinite} NaN/Inf voxels replaced by the window minimum`);
  }
  await writeNifti(processScan(volume, { size }), output, { datatype: 'float32' });
  console.log(`${printable(input)} -> ${printable(output)} (${size.join('x')}, float32)`);
  return 0;
}
