import { buildSeedModel, formatSummary } from '@ct3d/model';
import { parseSize } from '../args.js';
import type { ArgsOf } from '../command.js';
import type { summaryOptions } from './options.js';

export async function run({ values }: ArgsOf<typeof summaryOptions>): Promise<number> {
  const [width, height, depth] = parseSize(values.size);
  const model = buildSeedModel({ width, height, depth });
  console.log(formatSummary(model));
  model.dispose();
  return 0;
}
