import { buildSeedModel, formatSummary } from '@ct3d/model';
import { parseCommand, parseSize } from '../args.js';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, { size: { type: 'string' } });
  const [width, height, depth] = values.size ? parseSize(values.size) : [128, 128, 64];
  const model = buildSeedModel({ width, height, depth });
  console.log(formatSummary(model));
  model.dispose();
  return 0;
}
