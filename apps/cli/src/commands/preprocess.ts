import { composeStage, loadRecipe } from '@ct3d/augment';
import { printable } from '@ct3d/core';
import { readScan, writeNifti } from '@ct3d/io/node';
import { parseCommand, parseSize, requireString } from '../args.js';
import { readRecipeSource } from '../recipe-option.js';
import { parseSeriesOption } from './series-option.js';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, {
    size: { type: 'string' },
    transforms: { type: 'string' },
    series: { type: 'string' },
  });
  const input = requireString(positionals[0], 'input scan');
  const output = requireString(positionals[1], 'output path');
  const size = values.size ? parseSize(values.size) : ([128, 128, 64] as [number, number, number]);
  // The recipe's preprocessing, as ingest runs it (default the seed preset: the seed's process_scan).
  const recipe = loadRecipe(await readRecipeSource(values.transforms ?? 'seed'), { size });
  const volume = await readScan(input, { series: parseSeriesOption(values.series) });
  for (const s of volume.skipped) console.error(`skipped ${printable(s.name)}: ${printable(s.reason)}`);
  if (volume.nonFinite > 0) {
    console.error(`${printable(input)}: ${volume.nonFinite} NaN/Inf voxels replaced by the window minimum`);
  }
  const out = composeStage(recipe, 'preprocess').apply(volume);
  await writeNifti(out, output, { datatype: 'float32' });
  console.log(`${printable(input)} -> ${printable(output)} (${out.shape.join('x')}, float32)`);
  return 0;
}
