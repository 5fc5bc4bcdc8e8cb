import { printable } from '@ct3d/core';
import { exportTrainPage, exportWebApp } from '@ct3d/web';
import { UsageError } from '../args.js';
import type { ArgsOf } from '../command.js';
import type { exportWebOptions } from './options.js';

export async function run({ values }: ArgsOf<typeof exportWebOptions>): Promise<number> {
  const { run: runDir, out: outDir } = values;
  if (values.train) {
    if (runDir) throw new UsageError('--train writes the training page, which has no run: leave out --run');
    return exportTraining(outDir);
  }
  if (!runDir) throw new UsageError('missing --run <dir>');
  const gib = Number(values['max-scan-gib']);
  if (!(gib > 0 && gib <= 64)) {
    throw new UsageError(
      `--max-scan-gib must be a number of GiB in (0, 64], got "${values['max-scan-gib']}"`,
    );
  }
  const r = await exportWebApp({ runDir, outDir, maxScanBytes: gib * 1024 ** 3 });
  const m = r.manifest;
  console.log(
    `Exported run ${m.run} (${m.checkpoint} checkpoint, input ${m.inputSize.join('x')}, ${printable(m.classNames.join(' / '))}) ` +
      `to ${printable(r.outDir)}: ${r.files.length} files, ${(r.bytes / 2 ** 20).toFixed(1)} MiB`,
  );
  console.log(
    `Serve it with \`ct3d serve-web ${printable(r.outDir)}\` or any static file server, open it and drop a .nii or .nii.gz: the scan is read in the browser and never sent.`,
  );
  return 0;
}

/** `--train`: the training page. */
async function exportTraining(outDir: string): Promise<number> {
  const r = await exportTrainPage({ outDir });
  console.log(
    `Exported the training page to ${printable(r.outDir)}: ${r.files.length} files, ${(r.bytes / 2 ** 20).toFixed(1)} MiB`,
  );
  console.log(
    `Serve it with \`ct3d serve-web ${printable(r.outDir)}\` (cross-origin isolated: it trains on 2 threads) or any static file server (one thread without the headers its README.md lists), open it, drop a folder of class folders and press Train: the scans are read and trained on in the browser and never sent.`,
  );
  return 0;
}
