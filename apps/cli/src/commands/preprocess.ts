import { composeStage, loadRecipe } from '@ct3d/augment';
import { printable } from '@ct3d/core';
import { readScan, writeNifti } from '@ct3d/io/node';
import { parseSize } from '../args.js';
import type { ArgsOf } from '../command.js';
import { readRecipeSource } from '../recipe-option.js';
import type { preprocessOptions } from './options.js';
import { parseSeriesOption } from './series-option.js';

export async function run({ values, positionals }: ArgsOf<typeof preprocessOptions>): Promise<number> {
  const [input, output] = positionals;
  const size = parseSize(values.size);
  // The recipe's preprocessing, as ingest runs it (default the seed preset: the seed's process_scan).
  const recipe = loadRecipe(await readRecipeSource(values.transforms), { size });
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
