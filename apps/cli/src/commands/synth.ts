import { printable } from '@ct3d/core';
import { SYNTHETIC_FAMILIES, type SyntheticFamily, writeSyntheticDataset } from '@ct3d/io/synthetic';
import { parseIntOption, parseRange, UsageError } from '../args.js';
import type { ArgsOf } from '../command.js';
import type { synthOptions } from './options.js';

export async function run({ values, positionals }: ArgsOf<typeof synthOptions>): Promise<number> {
  const [dir] = positionals;
  const perClass = parseIntOption(values['per-class'], '--per-class', 1);
  const size = parseIntOption(values.size, '--size', 16);
  const slices = parseRange(values.slices, '--slices');
  const seed = parseIntOption(values.seed, '--seed');
  const family = parseFamily(values.family);
  const t0 = performance.now();
  const masks = values.masks;
  const files = await writeSyntheticDataset(dir, { perClass, size, slices, seed, family, masks });
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(
    `wrote ${files.length} synthetic scans (${family}, ${size}x${size}, ${slices.join('-')} slices) to ${printable(dir)} in ${s}s${masks ? `, with ${perClass} lesion masks (<name>_mask.nii.gz)` : ''}`,
  );
  return 0;
}

function parseFamily(text: string): SyntheticFamily {
  const family = SYNTHETIC_FAMILIES.find((f) => f === text);
  if (!family)
    throw new UsageError(`--family must be one of ${SYNTHETIC_FAMILIES.join(', ')}, got "${text}"`);
  return family;
}
