import { loadRun, predictScanFile } from '@ct3d/train';
import { parseCommand, requireString } from '../args.js';
import type { Command } from '../command.js';

export const predict: Command = {
  name: 'predict',
  summary:
    "Preprocess one scan like ingest and print the seed's confidence sentences (two, or one per class of a multi-class run)",
  usage: 'ct3d predict <scan.nii[.gz]> --run <dir> [--json]',
  async run(argv) {
    const { values, positionals } = parseCommand(argv, {
      run: { type: 'string' },
      json: { type: 'boolean' },
    });
    const scan = requireString(positionals[0], '<scan.nii[.gz]>');
    const run = await loadRun(requireString(values.run, '--run <dir>'));
    const p = await predictScanFile(run, scan);
    if (values.json) {
      console.log(
        JSON.stringify({
          scan,
          probability: p.probability,
          probabilities: p.probabilities,
          predicted: p.predicted,
          classNames: p.classNames,
          model: run.modelDir,
        }),
      );
    } else {
      console.log(p.text);
    }
    return 0;
  },
};
