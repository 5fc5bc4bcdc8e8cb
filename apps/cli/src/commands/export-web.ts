import { printable } from '@ct3d/core';
import { exportWebApp } from '@ct3d/web';
import { parseCommand, requireString, UsageError } from '../args.js';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    run: { type: 'string' },
    out: { type: 'string' },
    'max-scan-gib': { type: 'string' },
  });
  const runDir = requireString(values.run, '--run <dir>');
  const outDir = requireString(values.out, '--out <dir>');
  const gib = values['max-scan-gib'] === undefined ? undefined : Number(values['max-scan-gib']);
  if (gib !== undefined && !(gib > 0 && gib <= 64)) {
    throw new UsageError(
      `--max-scan-gib must be a number of GiB in (0, 64], got "${values['max-scan-gib']}"`,
    );
  }
  const r = await exportWebApp({ runDir, outDir, maxScanBytes: gib && gib * 1024 ** 3 });
  const m = r.manifest;
  console.log(
    `Exported run ${m.run} (${m.checkpoint} checkpoint, input ${m.inputSize.join('x')}, ${printable(m.classNames.join(' / '))}) ` +
      `to ${printable(r.outDir)}: ${r.files.length} files, ${(r.bytes / 2 ** 20).toFixed(1)} MiB`,
  );
  console.log(
    `Serve it with any static file server (e.g. \`python3 -m http.server -d ${printable(r.outDir)}\`), open it and drop a .nii or .nii.gz: the scan is read in the browser and never sent.`,
  );
  return 0;
}
