// Micro-benchmark of the Winograd kernels on the seed's layer shapes (one sample, 128x128x64 input),
// as the fused block runs them: forward + bias + relu + pool, input and filter gradients from the
// packed pooled gradient. Not a test.  npx tsx bench/wino-micro.ts [first layer index]
import type { ConvGeom } from '../packages/model/src/kernels/wasm/conv3d-core.js';
import { winograd, winogradVariant } from '../packages/model/src/kernels/wasm/winograd.js';

const layers: [number, number, number, number, number][] = [
  [6, 6, 4, 128, 256],
  [128, 128, 64, 1, 64],
  [63, 63, 31, 64, 64],
  [30, 30, 14, 64, 128],
  [14, 14, 6, 128, 256],
];
for (const [d1, d2, d3, c, oc] of layers.slice(Number(process.argv[2] ?? 0))) {
  const g: ConvGeom = { n: 1, d1, d2, d3, c, f1: 3, f2: 3, f3: 3, outC: oc };
  const x = new Float32Array(d1 * d2 * d3 * c).map(() => Math.random());
  const w = new Float32Array(27 * c * oc).map(() => Math.random() - 0.5);
  const q = Math.floor((d1 - 2) / 2) * Math.floor((d2 - 2) / 2) * Math.floor((d3 - 2) / 2) * oc;
  const pooled = new Float32Array(q);
  const arg = new Int32Array(q);
  const packed = new Float32Array(2 * q);
  const pi = new Int32Array(packed.buffer);
  // the block's packed pooled gradient (one sample): dy, then the window indices (-1..7) as int32 bits
  for (let i = 0; i < q; i++) {
    packed[i] = Math.random();
    pi[q + i] = Math.floor(Math.random() * 9) - 1;
  }
  const dx = new Float32Array(x.length);
  const gflop = (2 * 27 * c * oc * (d1 - 2) * (d2 - 2) * (d3 - 2)) / 1e9;
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    winograd().forwardPool(g, x, w, new Float32Array(oc), pooled, arg);
    const t1 = performance.now();
    if (c > 1) winograd().inputGrad(g, packed, w, dx, true);
    const t2 = performance.now();
    winograd().filterGrad(g, x, packed, true);
    const t3 = performance.now();
    if (r > 0)
      console.log(
        JSON.stringify({
          c,
          oc,
          gflop: +gflop.toFixed(2),
          fwd_ms: +(t1 - t0).toFixed(0),
          input_grad_ms: +(t2 - t1).toFixed(0),
          filter_grad_ms: +(t3 - t2).toFixed(0),
          build: winogradVariant,
        }),
      );
  }
}
