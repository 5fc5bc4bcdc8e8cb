// Do the heat maps point at the lesion? (not a test). Per synthetic family: a seed model trained at 64x64x48
// to its best epoch (trained here, or a run given by --run), then held-out abnormal scans with their lesion
// masks (`ct3d synth --masks`, a seed no training scan came from): for each method, the pointing game (the
// share of scans whose map maximum, in the scan's own space, falls inside the lesion mask) and the share of
// the map's mass inside the mask.
//   pnpm bench:explain [--run standard=DIR,broad-dense=DIR] [--test 10] [--test-seed 777] [--scan 128]
//                      [--slices 39-53] [--methods gradcam,gradcampp,occlusion:16,occlusion:24]
//                      [--json FILE] [--maps DIR] [--out DIR]
//   training here instead of --run: [--per-class 25] [--epochs 15] [--size 64x64x48] [--filters 8,16,32]
//                      [--families standard,broad-dense] [--reuse] (measure the runs an earlier call trained)
// Methods (bench/explain-methods.ts): gradcam[@LAYER], gradcampp[@LAYER] (every conv layer unless named),
// occlusion:PATCH[:MODE][:logit][:overlap=X], saliency, smoothgrad[:SAMPLES[:NOISE]].
// Prints one JSON object a line, then a Markdown table (the README's); --json writes all figures to FILE.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { writeFileAtomic } from '../packages/core/src/node.js';
import { discoverScans } from '../packages/io/src/dataset.js';
import { MIN_SCAN_EXTENT } from '../packages/io/src/index.js';
import { readNifti, readScan, writeNifti } from '../packages/io/src/node.js';
import {
  maskFileName,
  type SyntheticFamily,
  writeSyntheticDataset,
} from '../packages/io/src/synthetic/index.js';
import { explain, featureLayers, initBackend } from '../packages/model/src/index.js';
import { createWorkerPool, ingest } from '../packages/pipeline/src/index.js';
import { modelToScan, processScan } from '../packages/preprocess/src/index.js';
import { loadRun, readRunInfo, trainFromCache } from '../packages/train/src/index.js';
import { modelInputShape } from '../packages/train/src/step.js';
import { parseMethods, scoreMap } from './explain-methods.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
/** --run standard=DIR,broad-dense=DIR (a family may come more than once): measure these trained runs. */
const givenRuns = arg('run', '')
  .split(',')
  .filter(Boolean)
  .map((pair) => pair.split('=') as [SyntheticFamily, string]);
const perClass = Number(arg('per-class', '25'));
const epochs = Number(arg('epochs', '15'));
const testPerClass = Number(arg('test', '10'));
const testSeed = Number(arg('test-seed', '777'));
const size = arg('size', '64x64x48').split('x').map(Number) as [number, number, number];
const scanSize = Number(arg('scan', '128'));
const slices = (
  process.argv.includes('--slices')
    ? arg('slices', '').split('-').map(Number)
    : [Math.ceil(size[2] * 0.8), Math.ceil(size[2] * 1.1)]
) as [number, number];
/** What to measure: each family with its given run, or the families to train here (run undefined). */
const jobs: [SyntheticFamily, string | undefined][] =
  givenRuns.length > 0
    ? givenRuns
    : (arg('families', 'standard,broad-dense').split(',') as SyntheticFamily[]).map((f) => [f, undefined]);
const filters = arg('filters', '8,16,32').split(',').map(Number);
const methodSpecs = arg('methods', 'gradcam,gradcampp,occlusion:16,occlusion:24');
const out = arg('out', join(tmpdir(), 'ct3d-bench-explain'));
const jsonPath = arg('json', '');
/** --maps DIR: also write each map, in the scan's space, as DIR/<family>/<scan>.<method spec>.nii.gz. */
const mapsDir = arg('maps', '');
const reuse = process.argv.includes('--reuse');

interface Score {
  family: string;
  method: string;
  layer: string;
  spec: string;
  scans: number;
  pointing: number;
  mass: number;
  /** Mean seconds per scan (the map over the model's input). */
  seconds: number;
  /** The model's mean probability of "abnormal" for these scans. */
  probability: number;
  run?: string;
}

async function trainFamily(family: SyntheticFamily, dir: string): Promise<string> {
  const data = join(dir, 'train-data');
  await writeSyntheticDataset(data, { perClass, size: scanSize, slices, seed: 1, family });
  const { scans } = await discoverScans(data);
  const cacheDir = join(dir, 'cache');
  const pool = createWorkerPool({ workers: 2 });
  try {
    await ingest({ scans, cacheDir, size, pool }).forEach(() => {});
  } finally {
    await pool.close();
  }
  const runDir = join(dir, 'run');
  const run = trainFromCache({ cacheDir, runDir, epochs, seed: 1, workers: 2, filters, learningRate: 1e-3 });
  const end = await run.start();
  console.log(JSON.stringify({ family, trained: { bestEpoch: end?.bestEpoch, best: end?.best?.val_auc } }));
  return runDir;
}

/** The held-out abnormal scans, synthesized once per settings (a later call with the same settings reuses them). */
async function testScans(family: SyntheticFamily, dir: string): Promise<string[]> {
  const test = join(dir, `test-${testSeed}-${testPerClass}-${scanSize}-${slices.join('-')}`);
  const done = join(test, 'paths.json');
  if (existsSync(done)) return JSON.parse(await readFile(done, 'utf8')) as string[];
  await rm(test, { recursive: true, force: true });
  const paths = await writeSyntheticDataset(test, {
    perClass: testPerClass,
    size: scanSize,
    slices,
    seed: testSeed,
    family,
    masks: true,
  });
  const abnormal = paths.filter((p) => p.includes('CT-23'));
  await writeFileAtomic(done, JSON.stringify(abnormal));
  return abnormal;
}

async function measure(family: SyntheticFamily, dir: string, runDir: string): Promise<Score[]> {
  const paths = await testScans(family, dir);
  const run = await loadRun(runDir);
  const inputSize = modelInputShape(run.model);
  const convs = featureLayers(run.model).filter((n) => /conv/i.test(n));
  const methods = parseMethods(methodSpecs, convs);
  const sums = methods.map(() => ({ hits: 0, mass: 0, n: 0, ms: 0, p: 0 }));
  for (const path of paths) {
    const scan = await readScan(path, { minExtent: MIN_SCAN_EXTENT, requireFinite: true });
    const mask = await readNifti(maskFileName(path));
    const input = processScan(scan, { size: inputSize });
    for (const [m, { opts }] of methods.entries()) {
      const t0 = performance.now();
      const r = await explain(run.model, input, { ...opts, target: 1 });
      sums[m].ms += performance.now() - t0;
      const heat = modelToScan(r.cam.data, scan.shape, scan.affine, { size: inputSize });
      if (mapsDir) {
        const file = `${basename(path).replace(/\.nii(\.gz)?$/, '')}.${methods[m].name.replace(/[^\w.=-]/g, '_')}.nii.gz`;
        await mkdir(join(mapsDir, family), { recursive: true });
        await writeNifti({ ...scan, data: heat }, join(mapsDir, family, file));
      }
      const s = scoreMap(heat, mask.data);
      sums[m].hits += s.hit ? 1 : 0;
      sums[m].mass += s.mass;
      sums[m].n += 1;
      sums[m].p += r.probability;
    }
    const done = sums[0].n;
    console.error(`${family}: ${done}/${paths.length} scans, pointing ${sums.map((t) => t.hits).join(' ')}`);
  }
  run.model.dispose();
  return methods.map(({ name, method, layer }, m) => ({
    family,
    method,
    layer,
    spec: name,
    scans: sums[m].n,
    pointing: sums[m].hits / sums[m].n,
    mass: sums[m].mass / sums[m].n,
    seconds: Math.round(sums[m].ms / sums[m].n / 100) / 10,
    probability: sums[m].p / sums[m].n,
  }));
}

const backend = await initBackend('auto');
const runs: Record<string, unknown>[] = [];
const all: Score[] = [];
for (const [family, givenRun] of jobs) {
  const dir = join(out, family);
  const t0 = performance.now();
  if (!reuse && !givenRun) {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
  }
  const runDir = givenRun ?? (reuse ? join(dir, 'run') : await trainFamily(family, dir));
  const info = await readRunInfo(runDir);
  const metrics = JSON.parse(await readFile(join(runDir, 'metrics.json'), 'utf8')) as {
    bestEpoch: number;
    best: { val_auc: number };
  };
  const summary = {
    family,
    runDir,
    bestEpoch: metrics.bestEpoch,
    valAuc: metrics.best.val_auc,
    filters: info.settings.filters,
    epochs: info.settings.epochs,
    trainScans: info.split.train.length,
    testSeed,
  };
  console.log(JSON.stringify(summary));
  runs.push(summary);
  for (const s of await measure(family, dir, runDir)) {
    console.log(JSON.stringify({ ...s, runDir }));
    all.push({ ...s, run: runDir });
  }
  console.log(JSON.stringify({ family, seconds: Math.round((performance.now() - t0) / 1000) }));
}
if (jsonPath)
  await writeFileAtomic(
    jsonPath,
    `${JSON.stringify({ backend: backend.name, argv: process.argv.slice(2), runs, scores: all }, null, 2)}\n`,
  );
console.log(
  '\n| family | run | method | layer / patch | abnormal scans | pointing game | mass in lesion | s / scan |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const s of all) {
  const run = (s.run ?? '').split('/').slice(-2).join('/');
  console.log(
    `| ${s.family} | ${run} | ${s.method} | ${s.layer} | ${s.scans} | ${s.pointing.toFixed(2)} | ${s.mass.toFixed(3)} | ${s.seconds} |`,
  );
}
