// Parity (max abs diff vs the scipy golden fixtures) and single-core speed of rotateInPlane.
// Run: cd packages/augment && npx tsx bench/report.ts [--runs 10]

import { rotateInPlane } from '../src/index.js';
import { augmentCases, maxAbsDiff, randomUnit } from '../test/golden.js';

const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 10;

for (const c of augmentCases()) {
  const diffs = c.outputs.map((a) => {
    const d = maxAbsDiff(rotateInPlane(c.input, a.angle, { order: a.order }).data, a.data);
    return `${a.angle}/o${a.order} ${d.toExponential(1)}`;
  });
  console.log(`${c.name.padEnd(22)} ${c.input.shape.join('x').padEnd(10)} ${diffs.join('  ')}`);
}

const v = randomUnit([128, 128, 64], 1);
const time = (f: () => unknown) => {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    f();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1].toFixed(1);
  return `wall median ${med(wall)} ms (min ${Math.min(...wall).toFixed(1)}), cpu median ${med(cpu)} ms`;
};
for (const order of [3, 1] as const) {
  rotateInPlane(v, 10, { order }); // warm up
  console.log(`rotateInPlane 128x128x64 order ${order}: ${time(() => rotateInPlane(v, 10, { order }))}`);
}
