import { loadRun, predictScanFile } from '@ct3d/train';
import { parseCommand, requireString } from '../args.js';
import { initBackendOption } from './backend-option.js';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, {
    run: { type: 'string' },
    json: { type: 'boolean' },
    backend: { type: 'string' },
  });
  await initBackendOption(values.backend);
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
}
