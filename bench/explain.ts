// Do the heat maps point at the lesion? (not a test). Per synthetic family: a seed model trained at 64x64x48
// to its best epoch, then held-out abnormal scans with their lesion masks (`ct3d synth --masks`): for each
// method and layer, the pointing game (the share of scans whose map maximum, in the scan's own space, falls
// inside the lesion mask) and the share of the map's mass inside the mask.
//   pnpm bench:explain [--per-class 25] [--epochs 15] [--test 10] [--size 64x64x48] [--scan 128] [--out DIR]
//                      [--families standard,broad-dense] [--filters 8,16,32] [--occlusion 16,24] [--methods all]
//                      [--reuse] (measure the runs an earlier call trained in --out)
// Prints one JSON object a line, then a Markdown table (the README's).
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoverScans } from '../packages/io/src/dataset.js';
import { MIN_SCAN_EXTENT } from '../packages/io/src/index.js';
import { readNifti, readScan } from '../packages/io/src/node.js';
import {
  maskFileName,
  type SyntheticFamily,
  writeSyntheticDataset,
} from '../packages/io/src/synthetic/index.js';
import { type ExplainOptions, explain, featureLayers } from '../packages/model/src/index.js';
import { createWorkerPool, ingest } from '../packages/pipeline/src/index.js';
import { modelToScan, processScan } from '../packages/preprocess/src/index.js';
import { loadRun, readRunInfo, trainFromCache } from '../packages/train/src/index.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const perClass = Number(arg('per-class', '25'));
const epochs = Number(arg('epochs', '15'));
const testPerClass = Number(arg('test', '10'));
const size = arg('size', '64x64x48').split('x').map(Number) as [number, number, number];
const scanSize = Number(arg('scan', '128'));
const families = arg('families', 'standard,broad-dense').split(',') as SyntheticFamily[];
const filters = arg('filters', '8,16,32').split(',').map(Number);
const occlusionSizes = arg('occlusion', '16,24').split(',').map(Number);
const out = arg('out', join(tmpdir(), 'ct3d-bench-explain'));
const reuse = process.argv.includes('--reuse');
/** 'all', or 'occlusion' alone (Grad-CAM and Grad-CAM++ left out). */
const onlyOcclusion = arg('methods', 'all') === 'occlusion';
const slices: [number, number] = [Math.ceil(size[2] * 0.8), Math.ceil(size[2] * 1.1)];

interface Score {
  family: string;
  method: string;
  layer: string;
  scans: number;
  pointing: number;
  mass: number;
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

/** Pointing hit and mass share of a map in the scan's space against its 0/1 mask. */
function score(heat: Float32Array, mask: Float32Array): { hit: boolean; mass: number } {
  let at = 0;
  let total = 0;
  let inside = 0;
  for (let i = 0; i < heat.length; i++) {
    if (heat[i] > heat[at]) at = i;
    total += heat[i];
    if (mask[i] > 0) inside += heat[i];
  }
  return { hit: mask[at] > 0, mass: total > 0 ? inside / total : 0 };
}

async function measure(family: SyntheticFamily, dir: string, runDir: string): Promise<Score[]> {
  const test = join(dir, 'test-data');
  const paths = await writeSyntheticDataset(test, {
    perClass: testPerClass,
    size: scanSize,
    slices,
    seed: 777,
    family,
    masks: true,
  });
  const run = await loadRun(runDir);
  const convs = featureLayers(run.model).filter((n) => /conv/i.test(n));
  const methods: { method: string; layer: string; opts: ExplainOptions }[] = [
    ...(onlyOcclusion ? [] : convs).flatMap((layer) => [
      { method: 'gradcam', layer, opts: { method: 'gradcam' as const, layer } },
      { method: 'gradcampp', layer, opts: { method: 'gradcampp' as const, layer } },
    ]),
    ...occlusionSizes.map((m) => ({
      method: 'occlusion',
      layer: `patch ${m}`,
      opts: { method: 'occlusion' as const, maskSize: m },
    })),
  ];
  const sums = methods.map(() => ({ hits: 0, mass: 0, n: 0 }));
  for (const path of paths.filter((p) => p.includes('CT-23'))) {
    const scan = await readScan(path, { minExtent: MIN_SCAN_EXTENT, requireFinite: true });
    const mask = await readNifti(maskFileName(path));
    const input = processScan(scan, { size });
    for (const [m, { opts }] of methods.entries()) {
      const r = await explain(run.model, input, { ...opts, target: 1 });
      const heat = modelToScan(r.cam.data, scan.shape, scan.affine, { size });
      const s = score(heat, mask.data);
      sums[m].hits += s.hit ? 1 : 0;
      sums[m].mass += s.mass;
      sums[m].n += 1;
    }
  }
  run.model.dispose();
  return methods.map(({ method, layer }, m) => ({
    family,
    method,
    layer,
    scans: sums[m].n,
    pointing: sums[m].hits / sums[m].n,
    mass: sums[m].mass / sums[m].n,
  }));
}

const all: Score[] = [];
for (const family of families) {
  const dir = join(out, family);
  const t0 = performance.now();
  if (!reuse) {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
  }
  const runDir = reuse ? join(dir, 'run') : await trainFamily(family, dir);
  if (reuse) await rm(join(dir, 'test-data'), { recursive: true, force: true });
  const info = await readRunInfo(runDir);
  for (const s of await measure(family, dir, runDir)) {
    console.log(JSON.stringify({ ...s, trainScans: info.split.train.length }));
    all.push(s);
  }
  console.log(JSON.stringify({ family, seconds: Math.round((performance.now() - t0) / 1000) }));
}
console.log('\n| family | method | layer | scans | pointing game | mass in lesion |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const s of all)
  console.log(
    `| ${s.family} | ${s.method} | ${s.layer} | ${s.scans} | ${s.pointing.toFixed(2)} | ${s.mass.toFixed(3)} |`,
  );
