// Times each transform of @ct3d/augment at 128x128x64 beside its scipy / numpy equivalent, run by a Python peer
// in the same run on the same volume. One JSON line per transform (ms: median of --runs, one core).
// Run: npm run bench:transforms [-- --runs 5]

import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  addNoise,
  adjustContrast,
  affineTransform,
  createTransform,
  drawNoise,
  gaussianSmooth,
  rotatePlane,
  scaleIntensity,
  shiftIntensity,
  type Transform,
  zoomKeepSize,
} from '../packages/augment/src/index.js';
import { createRng, identityAffine, type Volume } from '../packages/core/src/index.js';

const PYTHON = '/usr/bin/python3';
const SHAPE: [number, number, number] = [128, 128, 64];
const runsAt = process.argv.indexOf('--runs');
const RUNS = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 5;

const rng = createRng(22);
const unit: Volume = {
  data: Float32Array.from({ length: SHAPE[0] * SHAPE[1] * SHAPE[2] }, () => rng.next()),
  shape: SHAPE,
  spacing: [1, 1, 2],
  affine: identityAffine([1, 1, 2]),
};
const hu: Volume = { ...unit, data: unit.data.map((x) => -1300 + 2000 * x) };
const noise = drawNoise(createRng(1), unit.data.length, 0, 0.05);
const make = (entry: { name: string; [k: string]: unknown }) => createTransform(entry, 'bench') as Transform;

/** name, the ct3d call, the Python statement on `u` (unit, numpy order (x, y, z)) / `hu` / `noise`. */
const CASES: [string, () => unknown, string][] = [
  [
    'ScaleIntensityRange',
    () => make({ name: 'ScaleIntensityRange', a_min: -1000, a_max: 400, clip: true }).apply(hu),
    'np.clip((hu.astype(np.float64) + 1000) / 1400, 0, 1).astype(np.float32)',
  ],
  [
    'Rotate90',
    () => make({ name: 'Rotate90', k: 1 }).apply(unit),
    'np.ascontiguousarray(np.rot90(u, 1, (0, 1)))',
  ],
  [
    'Rotate90 keep_size (seed)',
    () => make({ name: 'Rotate90', keep_size: true }).apply(unit),
    'ndimage.rotate(u, 90, axes=(1, 0), reshape=False)',
  ],
  [
    'Resize 64x64x48',
    () => make({ name: 'Resize', spatial_size: [64, 64, 48] }).apply(unit),
    'ndimage.zoom(u, (0.5, 0.5, 0.75), order=1)',
  ],
  [
    'Orientation (LPS->RAS)',
    () =>
      make({ name: 'Orientation' }).apply({
        ...unit,
        affine: [
          [-1, 0, 0, 0],
          [0, -1, 0, 0],
          [0, 0, 2, 0],
          [0, 0, 0, 1],
        ],
      }),
    'np.ascontiguousarray(np.flip(u, (0, 1)))',
  ],
  [
    'Spacing 1.5x1.5x2.5',
    () => make({ name: 'Spacing', pixdim: [1.5, 1.5, 2.5] }).apply(unit),
    'ndimage.affine_transform(u, np.diag([1.5, 1.5, 1.25]), order=1, output_shape=(86, 86, 51))',
  ],
  [
    'Flip',
    () => make({ name: 'Flip', spatial_axis: [0] }).apply(unit),
    'np.ascontiguousarray(np.flip(u, 0))',
  ],
  [
    'RandRotate 10deg (0,1) order 3',
    () => rotatePlane(unit, { degrees: 10, axes: [0, 1], order: 3, clip: true }),
    'np.clip(ndimage.rotate(u, 10, axes=(1, 0), reshape=False, order=3), 0, 1)',
  ],
  [
    'RandRotate 10deg (0,1) order 1',
    () => rotatePlane(unit, { degrees: 10, axes: [0, 1], order: 1, clip: false }),
    'ndimage.rotate(u, 10, axes=(1, 0), reshape=False, order=1)',
  ],
  [
    'RandRotate 10deg (0,2) order 1',
    () => rotatePlane(unit, { degrees: 10, axes: [0, 2], order: 1, clip: false }),
    'ndimage.rotate(u, 10, axes=(2, 0), reshape=False, order=1)',
  ],
  [
    'RandAffine',
    () => affineTransform(unit, { rotate: [5, -8, 12], scale: [1.1, 0.9, 1.05], translate: [1, -0.5, 0.7] }),
    'ndimage.affine_transform(u, M_AFF, offset=OFF_AFF, order=1)',
  ],
  [
    'RandZoom 1.2',
    () => zoomKeepSize(unit, 1.2),
    'ndimage.affine_transform(u, np.diag([1/1.2]*3), offset=C - C/1.2, order=1)',
  ],
  [
    'RandGaussianNoise (add)',
    () => addNoise(unit, noise),
    '(u.astype(np.float64) + noise).astype(np.float32)',
  ],
  [
    'RandGaussianNoise (draw)',
    () => drawNoise(createRng(2), unit.data.length, 0, 0.05),
    'rng.normal(0, 0.05, u.shape)',
  ],
  ['RandGaussianSmooth 1,1,1', () => gaussianSmooth(unit, [1, 1, 1]), 'ndimage.gaussian_filter(u, 1.0)'],
  [
    'RandAdjustContrast',
    () => adjustContrast(unit, 1.5),
    '((u.astype(np.float64) - u.min()) / (u.max() - u.min() + 1e-7)) ** 1.5 * (u.max() - u.min()) + u.min()',
  ],
  ['RandScaleIntensity', () => scaleIntensity(unit, 0.1), '(u.astype(np.float64) * 1.1).astype(np.float32)'],
  ['RandShiftIntensity', () => shiftIntensity(unit, 0.1), '(u.astype(np.float64) + 0.1).astype(np.float32)'],
  [
    'CenterSpatialCrop 96x96x48',
    () => make({ name: 'CenterSpatialCrop', roi_size: [96, 96, 48] }).apply(unit),
    'np.ascontiguousarray(u[16:112, 16:112, 8:56])',
  ],
  [
    'SpatialPad 160x160x80',
    () => make({ name: 'SpatialPad', spatial_size: [160, 160, 80] }).apply(unit),
    'np.pad(u, ((16, 16), (16, 16), (8, 8)))',
  ],
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const PEER = `
import json, sys, time
import numpy as np
from scipy import ndimage
d = sys.argv[1]
u = np.fromfile(d + '/u.f32', '<f4').reshape(${SHAPE[2]}, ${SHAPE[1]}, ${SHAPE[0]}).transpose(2, 1, 0).copy()
hu = np.fromfile(d + '/hu.f32', '<f4').reshape(${SHAPE[2]}, ${SHAPE[1]}, ${SHAPE[0]}).transpose(2, 1, 0).copy()
noise = np.fromfile(d + '/noise.f64', '<f8').reshape(${SHAPE[2]}, ${SHAPE[1]}, ${SHAPE[0]}).transpose(2, 1, 0).copy()
rng = np.random.default_rng(2)
C = (np.array(u.shape) - 1) / 2
a, b, g = np.radians([5, -8, 12])
rx = np.array([[1, 0, 0], [0, np.cos(a), -np.sin(a)], [0, np.sin(a), np.cos(a)]])
ry = np.array([[np.cos(b), 0, np.sin(b)], [0, 1, 0], [-np.sin(b), 0, np.cos(b)]])
rz = np.array([[np.cos(g), -np.sin(g), 0], [np.sin(g), np.cos(g), 0], [0, 0, 1]])
M_AFF = rx @ ry @ rz @ np.diag([1.1, 0.9, 1.05])
OFF_AFF = C + np.array([1, -0.5, 0.7]) - M_AFF @ C
for name, stmt in json.load(open(d + '/cases.json')):
    f = eval('lambda: ' + stmt)
    f()
    ts = []
    for _ in range(${RUNS}):
        t = time.perf_counter(); f(); ts.append((time.perf_counter() - t) * 1000)
    print(json.dumps({'name': name, 'ms': sorted(ts)[len(ts) // 2]}))
`;

async function pythonPeer(): Promise<Map<string, number> | string> {
  const deps = spawnSync(PYTHON, ['-c', 'import scipy, numpy; print(scipy.__version__)'], {
    encoding: 'utf8',
  });
  if (deps.status !== 0)
    return `no scipy peer: ${PYTHON} with numpy and scipy not found (apt-get install -y python3-scipy)`;
  const dir = await mkdtemp(join(tmpdir(), 'ct3d-bench-transforms-'));
  try {
    await writeFile(join(dir, 'u.f32'), unit.data);
    await writeFile(join(dir, 'hu.f32'), hu.data);
    await writeFile(join(dir, 'noise.f64'), noise);
    await writeFile(join(dir, 'cases.json'), JSON.stringify(CASES.map(([name, , py]) => [name, py])));
    const r = spawnSync(PYTHON, ['-c', PEER, dir], {
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: '1' },
    });
    if (r.status !== 0) return `scipy peer failed: ${r.stderr.trim().split('\n').at(-1)}`;
    const times = new Map<string, number>();
    for (const line of r.stdout.trim().split('\n')) {
      const { name, ms } = JSON.parse(line) as { name: string; ms: number };
      times.set(name, ms);
    }
    console.log(JSON.stringify({ peer: `scipy ${deps.stdout.trim()}`, python: PYTHON }));
    return times;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const peer = await pythonPeer();
if (typeof peer === 'string') console.log(JSON.stringify({ peer: null, note: peer }));
for (const [name, run, py] of CASES) {
  run(); // warm up
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    run();
    ms.push(performance.now() - t);
  }
  const scipyMs = typeof peer === 'string' ? null : (peer.get(name) ?? null);
  const ct3dMs = median(ms);
  const line = {
    transform: name,
    shape: SHAPE.join('x'),
    ct3d_ms: +ct3dMs.toFixed(1),
    scipy_ms: scipyMs === null ? null : +scipyMs.toFixed(1),
    scipy: py,
  };
  console.log(JSON.stringify(line));
}
