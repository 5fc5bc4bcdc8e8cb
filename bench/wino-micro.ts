// Micro-benchmark of the Winograd kernels on the seed's layer shapes (one sample), as the fused block runs
// them: forward + bias + relu + pool, input and filter gradients from the packed pooled gradient; F(2x2x2)
// and F(4x4x4) interleaved, with the tile size the kernels would pick. Wall and CPU ms (one thread: CPU
// time is the steadier figure on a busy machine). Not a test.
//   npx tsx bench/wino-micro.ts [--size WxHxD (default 128x128x64)] [--reps 3]
import type { ConvGeom } from '../packages/model/src/kernels/wasm/conv3d-core.js';
import {
  createWinograd,
  winograd,
  winogradTile,
  winogradVariant,
} from '../packages/model/src/kernels/wasm/winograd.js';

const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? def) : def;
};
const [w0, h0, d0] = arg('--size', '128x128x64').split('x').map(Number);
const reps = Number(arg('--reps', '3'));
winograd(); // compiles the build this Node runs (winogradVariant)
const build = winogradVariant === 'relaxed-simd' ? 'relaxed-simd' : 'simd';
const modules = { 2: createWinograd(build, 2), 4: createWinograd(build, 4) } as const;

// the seed's conv+pool blocks (the first, 1 channel: direct at either tile size; no input gradient): input
// dims halve per block
const layers: [number, number, number, number, number][] = [[w0, h0, d0, 1, 64]];
let dims = [w0, h0, d0].map((v) => Math.floor((v - 2) / 2));
for (const [c, oc] of [
  [64, 64],
  [64, 128],
  [128, 256],
]) {
  if (dims.some((v) => v < 3)) break;
  layers.push([dims[0], dims[1], dims[2], c, oc]);
  dims = dims.map((v) => Math.floor((v - 2) / 2));
}

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const cpuMs = (f: () => void): number => {
  const c0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};

for (const [d1, d2, d3, c, oc] of layers) {
  const g: ConvGeom = { n: 1, d1, d2, d3, c, f1: 3, f2: 3, f3: 3, outC: oc };
  const x = new Float32Array(d1 * d2 * d3 * c).map(() => Math.random());
  const w = new Float32Array(27 * c * oc).map(() => Math.random() - 0.5);
  const q = Math.floor((d1 - 2) / 2) * Math.floor((d2 - 2) / 2) * Math.floor((d3 - 2) / 2) * oc;
  const pooled = new Float32Array(q);
  const win = new Int32Array(q);
  const packed = new Float32Array(2 * q);
  const pi = new Int32Array(packed.buffer);
  // the block's packed pooled gradient (one sample): dy, then the window indices (-1..7) as int32 bits
  for (let i = 0; i < q; i++) {
    packed[i] = Math.random();
    pi[q + i] = Math.floor(Math.random() * 9) - 1;
  }
  const dx = new Float32Array(x.length);
  const times = {
    2: { fwd: [] as number[], dx: [] as number[], dw: [] as number[] },
    4: { fwd: [] as number[], dx: [] as number[], dw: [] as number[] },
  };
  for (let r = 0; r <= reps; r++)
    for (const m of [2, 4] as const) {
      const wino = modules[m];
      const t = [
        cpuMs(() => wino.forwardPool(g, x, w, new Float32Array(oc), pooled, win)),
        c > 1 ? cpuMs(() => wino.inputGrad(g, packed, w, dx, true)) : 0,
        cpuMs(() => wino.filterGrad(g, x, packed, true)),
      ];
      if (r === 0) continue; // warm-up: memory growth
      times[m].fwd.push(t[0]);
      times[m].dx.push(t[1]);
      times[m].dw.push(t[2]);
    }
  const row = (m: 2 | 4) => ({
    fwd: +median(times[m].fwd).toFixed(0),
    input_grad: +median(times[m].dx).toFixed(0),
    filter_grad: +median(times[m].dw).toFixed(0),
  });
  console.log(
    JSON.stringify({
      layer: `${d1}x${d2}x${d3}x${c}->${oc}`,
      cpu_ms_F2: row(2),
      cpu_ms_F4: row(4),
      picked: winogradTile(g, true),
      build: winogradVariant,
    }),
  );
}
