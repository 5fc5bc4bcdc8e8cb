// Parity (max abs diff vs the scipy golden fixtures) and single-core speed of processScan.
// Run: cd packages/preprocess && npx tsx bench/report.ts [--runs 10]

import { timeRuns } from '@ct3d/test-support';
import { normalizeHU, processScan, resizeTrilinear, rotate90 } from '../src/index.js';
import { goldenCases, maxAbsDiff, readF32 } from '../test/golden.js';
import { f32Volume, goldenInput, randomHU } from '../test/volumes.js';

const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 10;

for (const c of goldenCases()) {
  const size: [number, number, number] = [c.target.width, c.target.height, c.target.depth];
  const norm = normalizeHU(goldenInput(c.input));
  const rot = rotate90(f32Volume(c.normalized, c.input_shape));
  const res = resizeTrilinear(f32Volume(c.rotated90, c.input_shape), size);
  const proc = processScan(goldenInput(c.input), { size });
  const d = (a: Float32Array, f: string) => maxAbsDiff(a, readF32(f, a.length)).toExponential(2);
  console.log(
    `${c.name.padEnd(22)} normalizeHU ${d(norm.data, c.normalized)}  rotate90 ${d(rot.data, c.rotated90)}  ` +
      `resizeTrilinear ${d(res.data, c.processed)}  processScan ${d(proc.data, c.processed)}`,
  );
}

const scan = randomHU([512, 512, 40], 1, -1024, 1500);
const time = (f: () => unknown) => timeRuns(runs, f);
const fusedDiff = maxAbsDiff(
  processScan(scan).data,
  resizeTrilinear(rotate90(normalizeHU(scan)), [128, 128, 64]).data,
);
console.log(
  `processScan vs normalizeHU->rotate90->resizeTrilinear on 512x512x40: max abs diff ${fusedDiff.toExponential(2)}`,
);
console.log(`processScan 512x512x40 -> 128x128x64 (fused): ${time(() => processScan(scan))}`);
console.log(
  `normalizeHU+rotate90+resizeTrilinear (unfused): ${time(() => resizeTrilinear(rotate90(normalizeHU(scan)), [128, 128, 64]))}`,
);
