// What the precise-BatchNorm pass (ct3d train's default --bn-stats precise) costs as a share of an epoch,
// not a test. Per size it times, interleaved so that load changes hit both alike: a training step (batch 2,
// forward + backward + Adam, the first one a warm-up), a validation batch (inference forward) and one batch
// of the BatchNorm pass (recomputeBatchNormStatistics: training-mode forward up to the last BatchNorm), then
// prints the share of an epoch the pass over --bn-batches batches (default 16, the trainer's) takes for a
// few data set sizes at the seed's 70/30 split.
//   npx tsx bench/bn-stats.ts [--backend wasm] [--size WxHxD]... [--reps 3] [--bn-batches 16] [--threads 1|2]
import { buildSeedModel, initBackend, setConvThreads, tf } from '../packages/model/src/index.js';
import { recomputeBatchNormStatistics } from '../packages/model/src/precise-batchnorm.js';
import { createAdam, predictBatch, trainStep } from '../packages/train/src/step.js';

interface Opts {
  backend: 'wasm' | 'cpu' | 'webgpu' | 'tensorflow';
  sizes: [number, number, number][];
  reps: number;
  bnBatches: number;
  threads: 1 | 2;
}

function parseArgs(argv: string[]): Opts {
  const o: Opts = { backend: 'wasm', sizes: [], reps: 3, bnBatches: 16, threads: 2 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`bench/bn-stats.ts: ${a} needs a value`);
      return v;
    };
    if (a === '--backend') o.backend = next() as Opts['backend'];
    else if (a === '--size') {
      const s = next().split('x').map(Number);
      if (s.length !== 3 || s.some((v) => !Number.isInteger(v) || v < 1))
        throw new Error(`bench/bn-stats.ts: --size wants WxHxD, got ${argv[i]}`);
      o.sizes.push(s as [number, number, number]);
    } else if (a === '--reps') o.reps = Number(next());
    else if (a === '--bn-batches') o.bnBatches = Number(next());
    else if (a === '--threads') o.threads = next() === '1' ? 1 : 2;
    else throw new Error(`bench/bn-stats.ts: unknown option ${a}`);
  }
  if (o.sizes.length === 0)
    o.sizes = [
      [64, 64, 48],
      [128, 128, 64],
    ];
  return o;
}

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? Number.NaN;

async function timed(body: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await body();
  return performance.now() - t0;
}

async function benchSize(o: Opts, [w, h, d]: [number, number, number]) {
  const model = buildSeedModel({ width: w, height: h, depth: d, seed: 1 });
  const optimizer = createAdam(1e-4);
  const shape = [2, w, h, d, 1];
  const x = tf.randomUniform(shape).dataSync() as Float32Array;
  const batch = { x, y: Float32Array.from([0, 1]), shape };
  await trainStep(model, optimizer, batch); // warm-up: kernels compiled, memory allocated
  await recomputeBatchNormStatistics(model, [batch]);
  await predictBatch(model, batch);
  const step: number[] = [];
  const bn: number[] = [];
  const val: number[] = [];
  for (let r = 0; r < o.reps; r++) {
    step.push(await timed(() => trainStep(model, optimizer, batch)));
    bn.push(await timed(() => recomputeBatchNormStatistics(model, [batch])));
    val.push(await timed(() => predictBatch(model, batch)));
  }
  const [stepMs, bnMs, valMs] = [median(step), median(bn), median(val)];
  model.dispose();
  optimizer.dispose();
  const shares = [50, 200, 1000].map((scans) => {
    const nVal = Math.round(scans * 0.3);
    const steps = Math.ceil((scans - nVal) / 2);
    const bnPass = Math.min(o.bnBatches, steps) * bnMs;
    const epochMs = steps * stepMs + Math.ceil(nVal / 2) * valMs + bnPass;
    return { scans, steps, bnBatches: Math.min(o.bnBatches, steps), share: +(bnPass / epochMs).toFixed(4) };
  });
  return {
    size: `${w}x${h}x${d}`,
    backend: tf.getBackend(),
    reps: o.reps,
    msPerTrainStep: Math.round(stepMs),
    msPerBnBatch: Math.round(bnMs),
    msPerValBatch: Math.round(valMs),
    bnBatchOverTrainStep: +(bnMs / stepMs).toFixed(3),
    shareOfEpoch: shares,
  };
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  await initBackend(o.backend);
  if (o.backend === 'wasm') setConvThreads(o.threads);
  for (const size of o.sizes) console.log(JSON.stringify(await benchSize(o, size)));
}

await main();
