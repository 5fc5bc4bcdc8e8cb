import { printable } from '@ct3d/core';
import { SYNTHETIC_FAMILIES, type SyntheticFamily, writeSyntheticDataset } from '@ct3d/io/synthetic';
import { parseCommand, parseIntOption, parseRange, requireString, UsageError } from '../args.js';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, {
    'per-class': { type: 'string' },
    size: { type: 'string' },
    slices: { type: 'string' },
    seed: { type: 'string' },
    family: { type: 'string' },
    masks: { type: 'boolean' },
  });
  const dir = requireString(positionals[0], 'output <dir>');
  const perClass = parseIntOption(requireString(values['per-class'], '--per-class N'), '--per-class', 0, 1);
  const size = parseIntOption(values.size, '--size', 512, 16);
  const slices = values.slices ? parseRange(values.slices, '--slices') : ([30, 45] as [number, number]);
  const seed = parseIntOption(values.seed, '--seed', 0);
  const family = parseFamily(values.family);
  const t0 = performance.now();
  const masks = values.masks === true;
  const files = await writeSyntheticDataset(dir, { perClass, size, slices, seed, family, masks });
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(
    `wrote ${files.length} synthetic scans (${family}, ${size}x${size}, ${slices.join('-')} slices) to ${printable(dir)} in ${s}s${masks ? `, with ${perClass} lesion masks (<name>_mask.nii.gz)` : ''}`,
  );
  return 0;
}

function parseFamily(text: string | undefined): SyntheticFamily {
  if (text === undefined) return 'standard';
  const family = SYNTHETIC_FAMILIES.find((f) => f === text);
  if (!family)
    throw new UsageError(`--family must be one of ${SYNTHETIC_FAMILIES.join(', ')}, got "${text}"`);
  return family;
}
