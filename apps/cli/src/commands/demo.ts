import { join } from 'node:path';
import { printable } from '@ct3d/core';
import { writeSyntheticDataset } from '@ct3d/io/synthetic';
import { loadCache } from '@ct3d/pipeline';
import { evaluateRun, loadRun, predictScanFile } from '@ct3d/train';
import { exportWebApp } from '@ct3d/web';
import { parseIntOption, parseNumberOption, parseSize } from '../args.js';
import type { ArgsOf } from '../command.js';
import { parseBackend } from './backend-option.js';
import { DEMO } from './demo-settings.js';
import { formatEvaluation } from './evaluate.js';
import { runIngest } from './ingest.js';
import type { demoOptions } from './options.js';
import { runTraining } from './train.js';

export async function run({ values }: ArgsOf<typeof demoOptions>): Promise<number> {
  const out = values.out;
  const seed = parseIntOption(values.seed, '--seed');
  const perClass = parseIntOption(values['per-class'], '--per-class', 2);
  const size = parseSize(values.size);
  const t0 = performance.now();
  const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(0)}s`;

  const dataDir = join(out, 'data');
  console.log(
    `[1/4] synthesizing ${2 * perClass} chest CTs (${DEMO.scanSize}x${DEMO.scanSize}) into ${printable(dataDir)}`,
  );
  await writeSyntheticDataset(dataDir, { perClass, size: DEMO.scanSize, slices: DEMO.slices, seed });

  const cacheDir = join(out, 'cache');
  console.log(`[2/4] ingesting into ${printable(cacheDir)} at ${size.join('x')} (${elapsed()})`);
  const ingested = await runIngest({ dataDir, cacheDir, size });
  if (ingested.failed.length > 0 || ingested.emptyClasses.length > 0) return 1;

  const runDir = join(out, 'run');
  console.log(`[3/4] training the seed model into ${printable(runDir)} (${elapsed()})`);
  const end = await runTraining(
    {
      cacheDir,
      runDir,
      epochs: parseIntOption(values.epochs, '--epochs', 1),
      backend: parseBackend(values.backend),
      seed,
      learningRate: parseNumberOption(values.lr, '--lr'),
      batchSize: parseIntOption(values.batch, '--batch', 1),
      // The demo rebuilds its own output folder each time: running it twice just works.
      overwrite: true,
      // The default bnStats 'precise': with batch 2, Keras' moving averages of the noisy batch statistics
      // leave inference-mode predictions collapsed to one class after a short run.
    },
    undefined,
    { verbose: values.verbose },
  );
  if (!end) return 1;

  console.log(`[4/4] evaluating the best checkpoint on the validation split (${elapsed()})`);
  const run = await loadRun(runDir);
  const val = await evaluateRun(run, cacheDir, { set: 'val' });
  console.log(formatEvaluation(val, 'val', printable(run.modelDir)));
  const example = (await loadCache(cacheDir)).entries.find((e) => e.id === val.ids[0]);
  if (example) {
    console.log(`ct3d predict ${printable(example.source)} --run ${printable(runDir)}`);
    console.log((await predictScanFile(run, example.source)).text);
  }
  console.log(
    `curves:  ${printable(join(runDir, 'curves.png'))}\nmontage: ${printable(join(runDir, 'montage.png'))}`,
  );
  console.log(await exportPage(runDir, join(out, 'web')));
  console.log(`demo finished in ${elapsed()}: val_acc ${val.acc.toFixed(4)}, val_auc ${val.auc.toFixed(4)}`);
  return 0;
}

/** The run's in-browser page (`ct3d export-web`), or why not (an install without the page, a failed build). */
async function exportPage(runDir: string, outDir: string): Promise<string> {
  try {
    const site = await exportWebApp({ runDir, outDir });
    return `in-browser diagnosis: ${site.outDir} (serve it with \`ct3d serve-web ${site.outDir}\` or any static file server, and drop a scan)`;
  } catch (err) {
    return `in-browser diagnosis: not exported: ${(err as Error).message}`;
  }
}
