// Parity (max abs diff vs the scipy golden fixtures) and single-core speed of rotateInPlane.
// Run: cd packages/augment && npx tsx bench/report.ts [--runs 10]

import { timeRuns } from '@ct3d/test-support';
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
const time = (f: () => unknown) => timeRuns(runs, f);
for (const order of [3, 1] as const) {
  rotateInPlane(v, 10, { order }); // warm up
  console.log(`rotateInPlane 128x128x64 order ${order}: ${time(() => rotateInPlane(v, 10, { order }))}`);
}
