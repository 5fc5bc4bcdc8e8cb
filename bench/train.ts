// Training-step benchmark of the seed model (not a test): prints one JSON object a line, in the shape of
// ../shared/bench/torch_step.py's, then runs that PyTorch peer on the same sizes and prints the ratio.
//   pnpm bench:train [--backend wasm|webgpu|cpu|...] [--size WxHxD]... [--batch 2] [--steps 3] [--threads 1|2]
//                    [--no-peer] [--no-profile]
// --backend webgpu: our WGSL kernels (fused conv+bias+relu, pooling, batch norm, Adam) through initBackend; every
//   read is awaited (trainOnBatch awaits the loss), so a step's time includes its GPU work.
// --model seed (default): buildSeedModel from @ct3d/model, each Conv3D(relu)+MaxPool3D pair one fused
//   ConvPool3D layer; --model stock: buildSeedModel({fused: false}), the stock tfjs Conv3D and MaxPooling3D
//   layers (conv, bias add, relu, pool as separate ops; OOMs the wasm heap at 128x128x64 batch 2).
// --threads: conv kernels on 1 thread or split over 2 (worker thread with its own wasm instance; default).
// A/B switches (environment, read by both threads): CT3D_WINOGRAD=0 runs every conv on the older im2col +
//   XNNPACK path; CT3D_RELAXED_SIMD=0 runs the Winograd/direct kernels' plain SIMD128 build (mul + add, no FMA).
// A/B: CT3D_WINOGRAD_TILE=2|4 forces one Winograd tile size (default: per conv, winogradTile).
// Peak memory: ours is the process's peak RSS so far (sizes run in order), the peer's its own process's; a
//   peak_memory_mib line per size puts the two side by side (goal: ours at or below the peer's).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type BackendName,
  buildSeedModel,
  FusedAdamOptimizer,
  getConvThreads,
  initBackend,
  setConvThreads,
  tf,
} from '../packages/model/src/index.js';
import { kernelProfile } from '../packages/model/src/kernels/wasm/conv3d-core.js';
import { winogradProfile, winogradVariant } from '../packages/model/src/kernels/wasm/winograd.js';

interface Opts {
  backend: BackendName;
  sizes: [number, number, number][];
  batch: number;
  steps: number;
  peer: boolean;
  profile: boolean;
  threads: 1 | 2;
  model: 'seed' | 'stock';
}

function parseArgs(argv: string[]): Opts {
  const o: Opts = {
    backend: 'wasm',
    sizes: [],
    batch: 2,
    steps: 3,
    peer: true,
    profile: true,
    threads: 2,
    model: 'seed',
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`bench/train.ts: ${a} needs a value`);
      return v;
    };
    if (a === '--backend') o.backend = next() as BackendName;
    else if (a === '--size') {
      const s = next().split('x').map(Number);
      if (s.length !== 3 || s.some((v) => !Number.isInteger(v) || v < 1))
        throw new Error(`bench/train.ts: --size wants WxHxD, got ${argv[i]}`);
      o.sizes.push(s as [number, number, number]);
    } else if (a === '--batch') o.batch = Number(next());
    else if (a === '--steps') o.steps = Number(next());
    else if (a === '--threads') o.threads = next() === '1' ? 1 : 2;
    else if (a === '--no-peer') o.peer = false;
    else if (a === '--model') {
      const m = next();
      if (m !== 'seed' && m !== 'stock')
        throw new Error(`bench/train.ts: --model wants seed|stock, got ${m}`);
      o.model = m;
    } else if (a === '--no-profile') o.profile = false;
    else throw new Error(`bench/train.ts: unknown option ${a}`);
  }
  if (o.sizes.length === 0)
    o.sizes = [
      [128, 128, 64],
      [64, 64, 48],
    ];
  return o;
}

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const round = (v: number, d = 1): number => Math.round(v * 10 ** d) / 10 ** d;

function wasmHeapMiB(): number | null {
  const b = tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } };
  return b.wasm ? round(b.wasm.HEAPU8.byteLength / 2 ** 20, 0) : null;
}

/**
 * Per-kernel wall time of one training step (tf.profile), top entries by total ms, then the other kernels'
 * sum and the step's time outside kernels (layers, autodiff bookkeeping, tensor allocation).
 */
async function profileStep(
  step: () => Promise<tf.Scalar | tf.Scalar[] | number | number[]>,
): Promise<Record<string, number>> {
  const t0 = performance.now();
  const info = await tf.profile(step);
  const wall = performance.now() - t0;
  const byName = new Map<string, number>();
  for (const k of info.kernels) {
    // webgpu: a promise of the GPU time (timestamp queries), or {error} where the adapter has none
    const ms = await k.kernelTimeMs;
    if (typeof ms === 'number') byName.set(k.name, (byName.get(k.name) ?? 0) + ms);
  }
  const all = [...byName.entries()].sort((a, b) => b[1] - a[1]);
  const sum = (e: [string, number][]) => e.reduce((a, [, ms]) => a + ms, 0);
  const top = all.slice(0, 12);
  return {
    ...Object.fromEntries(top.map(([n, ms]) => [n, round(ms, 0)])),
    other_kernels: round(sum(all.slice(12)), 0),
    outside_kernels: round(wall - sum(all), 0),
  };
}

async function benchSize(o: Opts, detail: string, [w, h, d]: [number, number, number]) {
  const model = buildSeedModel({ width: w, height: h, depth: d, seed: 1, fused: o.model === 'seed' });
  // the trainer's optimizer (packages/train): one WGSL Adam program per variable on webgpu, tfjs Adam elsewhere
  model.compile({ optimizer: new FusedAdamOptimizer(1e-4, 0.9, 0.999, 1e-7), loss: 'binaryCrossentropy' });
  const x = tf.randomUniform([o.batch, w, h, d, 1]);
  const y = tf.tensor2d(
    Array.from({ length: o.batch }, (_, i) => i % 2),
    [o.batch, 1],
  );
  const step = () => model.trainOnBatch(x, y);
  await step(); // warm-up: kernel setup, XNNPACK operator creation, heap growth
  const times: number[] = [];
  const cpu0 = process.cpuUsage();
  kernelProfile.copyMs = 0;
  kernelProfile.matMulMs = 0;
  winogradProfile.forwardMs = winogradProfile.inputGradMs = winogradProfile.filterGradMs = 0;
  for (let s = 0; s < o.steps; s++) {
    const t = performance.now();
    await step();
    times.push(performance.now() - t);
  }
  const cpu = process.cpuUsage(cpu0);
  const convCopyMs = kernelProfile.copyMs / o.steps;
  const convMatMulMs = kernelProfile.matMulMs / o.steps;
  const wino = Object.fromEntries(
    Object.entries(winogradProfile).map(([k, v]) => [k.replace(/Ms$/, ''), round(v / o.steps, 0)]),
  );
  const ms = median(times);
  const line = {
    impl: `tfjs-${tf.getBackend()}`,
    width: w,
    height: h,
    depth: d,
    batch: o.batch,
    ms_per_step: round(ms),
    scans_per_s: round((o.batch / ms) * 1000, 3),
    steps: o.steps,
    step_ms: times.map((t) => round(t, 0)),
    model: o.model === 'seed' ? 'buildSeedModel (fused ConvPool3D layers)' : 'buildSeedModel({fused: false})',
    params: model.countParams(),
    conv_threads: o.backend === 'wasm' ? getConvThreads() : undefined,
    // process CPU time (all threads) per step: with other load on the machine, wall time inflates but this does not.
    cpu_ms_per_step: round((cpu.user + cpu.system) / 1000 / o.steps, 0),
    backend_detail: detail,
    conv_im2col_ms_per_step: round(convCopyMs, 0),
    conv_matmul_ms_per_step: round(convMatMulMs, 0),
    // Winograd kernels, F(2x2x2) and F(4x4x4) (main thread's half of the batch), and which wasm build ran them
    winograd_ms_per_step: wino,
    winograd_build: winogradVariant,
    peak_rss_mib: round(process.resourceUsage().maxRSS / 1024, 0),
    wasm_heap_mib: wasmHeapMiB(),
    loadavg_1m: round(loadavg()[0], 2),
    cores: availableParallelism(),
    profile_ms: o.profile ? await profileStep(step) : undefined,
  };
  tf.dispose([x, y]);
  model.dispose();
  return line;
}

function torchPeer(
  o: Opts,
  [w, h, d]: [number, number, number],
): { ms_per_step?: number; peak_rss_mib?: number; line: object } {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const script = resolve(root, '../shared/bench/torch_step.py');
  if (!existsSync(script))
    return { line: { peer: 'pytorch', skipped: `${script} not found (no ../shared)` } };
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const args = [script, '--size', `${w}`, `${h}`, `${d}`, '--batch', `${o.batch}`, '--threads', '2'];
  // The peer script, unchanged, run through runpy so that its peak resident memory can be printed after it.
  const wrapper = [
    'import json, resource, runpy, sys',
    'sys.argv = sys.argv[1:]',
    "runpy.run_path(sys.argv[0], run_name='__main__')",
    'print(json.dumps({"peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))',
  ].join('\n');
  const r = spawnSync(python, ['-c', wrapper, ...args], { encoding: 'utf8' });
  const lines = r.stdout.trim().split('\n');
  const rss = lines.pop() ?? '';
  const out = lines.pop() ?? '';
  if (r.status !== 0 || !out.startsWith('{'))
    return {
      line: {
        peer: 'pytorch',
        skipped: `${python} ${args.join(' ')} failed: ${r.stderr.trim().split('\n').pop()}`,
      },
    };
  const parsed = JSON.parse(out) as { ms_per_step: number };
  const peak = rss.startsWith('{') ? (JSON.parse(rss) as { peak_rss_mib: number }).peak_rss_mib : undefined;
  return { ms_per_step: parsed.ms_per_step, peak_rss_mib: peak, line: { ...parsed, peak_rss_mib: peak } };
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const { detail } = await initBackend(o.backend);
  setConvThreads(o.threads);
  for (const size of o.sizes) {
    let ours: Awaited<ReturnType<typeof benchSize>>;
    try {
      ours = await benchSize(o, detail, size);
    } catch (err) {
      // e.g. the stock seed layers at 128x128x64: say so on the JSON line, go on with the next size
      const [w, h, d] = size;
      const error = String(err instanceof Error ? err.message : err).split('\n')[0];
      console.log(
        JSON.stringify({
          impl: `tfjs-${tf.getBackend()}`,
          width: w,
          height: h,
          depth: d,
          batch: o.batch,
          model: o.model,
          error,
        }),
      );
      continue;
    }
    console.log(JSON.stringify(ours));
    if (!o.peer) continue;
    const peer = torchPeer(o, size);
    console.log(JSON.stringify(peer.line));
    if (peer.ms_per_step) {
      const [w, h, d] = size;
      const ratio = round(ours.ms_per_step / peer.ms_per_step, 2);
      console.log(JSON.stringify({ ratio, width: w, height: h, depth: d, batch: o.batch, goal: 1.0 }));
    }
    if (peer.peak_rss_mib) {
      // the whole process's peak resident memory, each side (ours: so far, sizes in order)
      const [w, h, d] = size;
      const ratio = round(ours.peak_rss_mib / peer.peak_rss_mib, 2);
      console.log(
        JSON.stringify({
          peak_memory_mib: { ours: ours.peak_rss_mib, pytorch: peer.peak_rss_mib },
          ratio,
          width: w,
          height: h,
          depth: d,
          batch: o.batch,
          goal: 1.0,
        }),
      );
    }
  }
}

await main();
// Dawn (webgpu) keeps the event loop alive once the results are printed
if (tf.getBackend() === 'webgpu') process.exit(0);
