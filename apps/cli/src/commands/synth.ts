import { writeSyntheticDataset } from '@ct3d/io';
import { parseCommand, parseIntOption, parseRange, requireString } from '../args.js';
import type { Command } from '../command.js';

export const synth: Command = {
  name: 'synth',
  summary: 'Write MosMedData-like synthetic chest CTs (CT-0 normal, CT-23 with ground-glass opacities)',
  usage: 'ct3d synth <dir> --per-class N [--size 512] [--slices 30:45] [--seed S]',
  async run(argv) {
    const { values, positionals } = parseCommand(argv, {
      'per-class': { type: 'string' },
      size: { type: 'string' },
      slices: { type: 'string' },
      seed: { type: 'string' },
    });
    const dir = requireString(positionals[0], 'output <dir>');
    const perClass = parseIntOption(requireString(values['per-class'], '--per-class N'), '--per-class', 0, 1);
    const size = parseIntOption(values.size, '--size', 512, 16);
    const slices = values.slices ? parseRange(values.slices, '--slices') : ([30, 45] as [number, number]);
    const seed = parseIntOption(values.seed, '--seed', 0);
    const t0 = performance.now();
    const files = await writeSyntheticDataset(dir, { perClass, size, slices, seed });
    const s = ((performance.now() - t0) / 1000).toFixed(1);
    console.log(
      `wrote ${files.length} synthetic scans (${size}x${size}, ${slices.join('-')} slices) to ${dir} in ${s}s`,
    );
    return 0;
  },
};
