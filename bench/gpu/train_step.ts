// GPU benchmark: trains the seed model one step at a time on tfjs WebGPU (Dawn), stock kernels or ours,
// and times single kernels. Prints one JSON line per configuration (like ../shared/bench/torch_step.py).
//   node train_step.mjs --kernels ours|stock --batch 2 --size 128 128 64 [--steps 5] [--budget-s 40]
//   node train_step.mjs --ops --kernels ours|stock --batch 2 --size 128 128 64
import { createWebGPU } from '../../packages/model/src/kernels/webgpu/device.js';
import {
  importWebGPUBackend,
  registerWebGPUKernels,
  restoreStockWebGPUKernels,
} from '../../packages/model/src/kernels/webgpu/index.js';
import { currentCounts, installCounters, phaseBreakdown, resetCounts } from './phases.js';
import { buildBenchModel, tf } from './seed_model.js';

interface Opts {
  kernels: 'ours' | 'stock';
  batch: number;
  size: [number, number, number];
  steps: number;
  warmup: number;
  budgetS: number;
  ops: boolean;
  profile: boolean;
  phases: boolean;
}

function parseArgs(argv: string[]): Opts {
  const o: Opts = {
    kernels: 'ours',
    batch: 2,
    size: [128, 128, 64],
    steps: 5,
    warmup: 1,
    budgetS: 40,
    ops: false,
    profile: false,
    phases: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--kernels') o.kernels = argv[++i] === 'stock' ? 'stock' : 'ours';
    else if (a === '--batch') o.batch = Number(argv[++i]);
    else if (a === '--steps') o.steps = Number(argv[++i]);
    else if (a === '--warmup') o.warmup = Number(argv[++i]);
    else if (a === '--budget-s') o.budgetS = Number(argv[++i]);
    else if (a === '--ops') o.ops = true;
    else if (a === '--profile') o.profile = true;
    else if (a === '--phases') o.phases = true;
    else if (a === '--size') o.size = [Number(argv[++i]), Number(argv[++i]), Number(argv[++i])];
    else throw new Error(`train_step: unknown argument ${a}`);
  }
  return o;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

const batchNormKind = (o: Opts) =>
  o.kernels === 'stock' || process.env.CT3D_WEBGPU_BN === 'plain' ? 'plain ops' : 'ours';

async function setup(o: Opts): Promise<string> {
  const info = await createWebGPU();
  await importWebGPUBackend();
  await tf.setBackend('webgpu');
  await tf.ready();
  // CT3D_TFJS_FLAGS="WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE=1000,WEBGPU_CPU_FORWARD=false": tfjs flag probes.
  for (const kv of (process.env.CT3D_TFJS_FLAGS ?? '').split(',').filter(Boolean)) {
    const [k, v] = kv.split('=');
    tf.env().set(k, v === 'true' ? true : v === 'false' ? false : Number(v));
  }
  // CT3D_WEBGPU_BN=plain: our other kernels, but the batch norm from plain tf ops (A/B of the BN kernels)
  registerWebGPUKernels({ batchNorm: process.env.CT3D_WEBGPU_BN !== 'plain' });
  if (o.kernels === 'stock') restoreStockWebGPUKernels();
  const bn = batchNormKind(o);
  console.error(
    `adapter: ${info.adapter} (software: ${info.software}); kernels: ${o.kernels}; batch norm: ${bn}`,
  );
  return info.adapter;
}

function randomBatch(o: Opts) {
  const [w, h, d] = o.size;
  const x = tf.randomUniform([o.batch, w, h, d, 1]);
  const y = tf.tensor2d(
    Array.from({ length: o.batch }, (_, i) => i % 2),
    [o.batch, 1],
  );
  return { x, y };
}

/** Median ms of whole training steps (forward, backward, Adam), each ending in an awaited loss read. */
async function trainSteps(o: Opts, adapter: string) {
  const [w, h, d] = o.size;
  const model = buildBenchModel(w, h, d, o.kernels);
  const { x, y } = randomBatch(o);
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let loss = Number.NaN;
  installCounters(); // Dawn calls of the last step (dispatches by program)
  let counts = currentCounts();
  const start = performance.now();
  for (let i = 0; i < o.warmup + o.steps; i++) {
    resetCounts();
    const cpu0 = process.cpuUsage();
    const t = performance.now();
    loss = (await model.trainOnBatch(x, y)) as number;
    const ms = performance.now() - t;
    const cpu = process.cpuUsage(cpu0);
    counts = currentCounts();
    if (i >= o.warmup) {
      times.push(ms);
      cpuTimes.push((cpu.user + cpu.system) / 1000);
    } else console.error(`warmup step ${i}: ${round(ms)} ms`);
    if ((performance.now() - start) / 1000 > o.budgetS && times.length > 0) break;
  }
  const ms = median(times);
  console.log(
    JSON.stringify({
      peer: 'tfjs-webgpu',
      kernels: o.kernels,
      adapter,
      width: w,
      height: h,
      depth: d,
      batch: o.batch,
      mode: 'train',
      steps: times.length,
      ms_per_step: round(ms),
      scans_per_s: round((o.batch / ms) * 1000, 3),
      // process CPU time of a step (median): on lavapipe the "GPU" runs on this process's threads, so this is
      // the figure that survives other load on the machine; on a real GPU it is the host's share only
      cpu_ms_per_step: round(median(cpuTimes)),
      loss: round(loss, 4),
      tensors: tf.memory().numTensors,
      batch_norm: batchNormKind(o),
      dispatches_per_step: counts.dispatches,
      uploads_per_step: counts.uploads,
      by_program: Object.fromEntries(Object.entries(counts.byProgram).sort((a, b) => b[1] - a[1])),
    }),
  );
}

/** Times each convolution/pool kernel of the seed at this size (ms, median of a few awaited runs). */
async function opTimes(o: Opts, adapter: string) {
  const [w, h, d] = o.size;
  let dims = [w, h, d];
  let cin = 1;
  const result: Record<string, number> = {};
  for (const [i, cout] of [64, 64, 128, 256].entries()) {
    const x = tf.randomUniform([o.batch, dims[0], dims[1], dims[2], cin]) as tf.Tensor5D;
    const f = tf.randomUniform([3, 3, 3, cin, cout], -0.1, 0.1) as tf.Tensor5D;
    const y = tf.conv3d(x, f, 1, 'valid');
    const dy = tf.randomUniform(y.shape);
    const ops: Record<string, () => tf.Tensor> = {
      [`conv${i + 1}_fwd`]: () => tf.conv3d(x, f, 1, 'valid'),
      [`conv${i + 1}_wgrad`]: () =>
        tf
          .engine()
          .runKernel(
            'Conv3DBackpropFilterV2',
            { x, dy },
            { strides: 1, pad: 'valid', filterShape: f.shape },
          ) as tf.Tensor,
      [`pool${i + 1}_fwd`]: () => tf.maxPool3d(y as tf.Tensor5D, 2, 2, 'valid'),
    };
    if (i > 0) {
      ops[`conv${i + 1}_dgrad`] = () =>
        tf
          .engine()
          .runKernel(
            'Conv3DBackpropInputV2',
            { dy, filter: f },
            { strides: 1, pad: 'valid', inputShape: x.shape },
          ) as tf.Tensor;
    }
    for (const [name, op] of Object.entries(ops)) {
      const times: number[] = [];
      for (let r = 0; r < 4; r++) {
        const t = performance.now();
        const out = op();
        await out.data();
        out.dispose();
        if (r > 0) times.push(performance.now() - t);
      }
      result[name] = round(median(times), 2);
    }
    const pooled = tf.maxPool3d(y as tf.Tensor5D, 2, 2, 'valid');
    dims = pooled.shape.slice(1, 4);
    cin = cout;
    tf.dispose([x, f, y, dy, pooled]);
  }
  console.log(
    JSON.stringify({
      peer: 'tfjs-webgpu-ops',
      kernels: o.kernels,
      adapter,
      width: w,
      height: h,
      depth: d,
      batch: o.batch,
      ms: result,
    }),
  );
}

/** GPU time per kernel name over one training step (tf.profile; timestamp queries on WebGPU). */
async function profileStep(o: Opts, adapter: string) {
  const [w, h, d] = o.size;
  const model = buildBenchModel(w, h, d, o.kernels);
  const { x, y } = randomBatch(o);
  await model.trainOnBatch(x, y);
  const info = await tf.profile(async () => {
    await model.trainOnBatch(x, y);
  });
  const byName = new Map<string, { ms: number; calls: number }>();
  for (const k of info.kernels) {
    const t = await k.kernelTimeMs;
    const ms = typeof t === 'number' ? t : 0;
    const e = byName.get(k.name) ?? { ms: 0, calls: 0 };
    byName.set(k.name, { ms: e.ms + ms, calls: e.calls + 1 });
  }
  const total = [...byName.values()].reduce((a, b) => a + b.ms, 0);
  const top = [...byName.entries()]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, 20)
    .map(([name, v]) => ({ name, ms: round(v.ms, 2), calls: v.calls }));
  console.log(
    JSON.stringify({
      peer: 'tfjs-webgpu-profile',
      kernels: o.kernels,
      adapter,
      width: w,
      height: h,
      depth: d,
      batch: o.batch,
      gpu_ms_total: round(total, 1),
      top,
    }),
  );
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const adapter = await setup(o);
  if (o.ops) await opTimes(o, adapter);
  else if (o.profile) await profileStep(o, adapter);
  else if (o.phases) {
    const [w, h, d] = o.size;
    const { x, y } = randomBatch(o);
    const model = buildBenchModel(w, h, d, o.kernels);
    const info = { kernels: o.kernels, adapter, width: w, height: h, depth: d, batch: o.batch };
    await phaseBreakdown(model, x, y, o.steps, info);
  } else await trainSteps(o, adapter);
  // Dawn keeps the event loop alive; the results are printed.
  process.exit(0);
}

main().catch((err: unknown) => {
  const o = process.argv.slice(2).join(' ');
  console.log(
    JSON.stringify({
      peer: 'tfjs-webgpu',
      args: o,
      error: String((err as Error)?.stack ?? err).slice(0, 800),
    }),
  );
  process.exit(1);
});
