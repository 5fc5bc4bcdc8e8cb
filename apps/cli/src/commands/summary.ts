import { buildSeedModel, formatSummary } from '@ct3d/model';
import { parseCommand, parseSize } from '../args.js';
import type { Command } from '../command.js';

export const summary: Command = {
  name: 'summary',
  summary: "Print the seed model's layer table (output shapes and parameter counts)",
  usage: 'ct3d summary [--size 128x128x64]',
  async run(argv) {
    const { values } = parseCommand(argv, { size: { type: 'string' } });
    const [width, height, depth] = values.size ? parseSize(values.size) : [128, 128, 64];
    const model = buildSeedModel({ width, height, depth });
    console.log(formatSummary(model));
    model.dispose();
    return 0;
  },
};
