// WGSL programs of the rank-5 batch norm (channels last, viewed as [rows, C]): per-channel sums in two levels
// (workgroup partials over row chunks, then one thread per channel), and the elementwise normalize and dx.
import { type GpuProgram, makeProgram, u, WG_INDEX } from './program.js';

/** How a [rows, C] tensor is split for the partial sums. */
export interface BnGeom {
  rows: number;
  channels: number;
  /** 4: vec4 loads (C % 4 == 0), else 1. */
  vec: 1 | 4;
  /** Channel lanes (C / vec) and row lanes (threads per channel) of a 256-thread workgroup. */
  lanes: number;
  rowLanes: number;
  /** Workgroups (row chunks) of the first level and rows per chunk. */
  groups: number;
  chunk: number;
}

/** Enough workgroups to fill a big GPU (1024 x 256 threads); the second level reduces them as a tree. */
const MAX_GROUPS = 1024;
/** Rows each thread adds at least (when there are enough rows), so that a workgroup's loads pay off. */
const ROWS_PER_THREAD = 16;

/** The split for [rows, C]; null when a channel row does not fit one workgroup (C / vec > 256). */
export function bnGeom(rows: number, channels: number): BnGeom | null {
  const vec = channels % 4 === 0 ? 4 : 1;
  const lanes = channels / vec;
  if (lanes > 256 || rows < 1) return null;
  const rowLanes = Math.floor(256 / lanes);
  const groups = Math.max(1, Math.min(MAX_GROUPS, Math.ceil(rows / (rowLanes * ROWS_PER_THREAD))));
  return { rows, channels, vec, lanes, rowLanes, groups, chunk: Math.ceil(rows / groups) };
}

const vtype = (vec: number) => (vec === 4 ? 'vec4<f32>' : 'f32');
const flt = (v: number) => Math.fround(v).toExponential(9);
const key = (g: BnGeom) => `${g.rows}_${g.channels}`;

/**
 * First level: partial[wg, 0, c] = sum of a, partial[wg, 1, c] = sum of b over the workgroup's row chunk, where
 * `body` defines a and b from element index i (lane = the channel vec). `setup` runs once per thread.
 */
function partialSums(g: BnGeom, name: string, inputs: string[], setup: string, body: string) {
  const T = vtype(g.vec);
  const L = u(g.lanes);
  const code = `
var<workgroup> p1: array<${T}, 256>;
var<workgroup> p2: array<${T}, 256>;
fn main(index: i32) {
  let wg = ${WG_INDEX};
  let t = localIndex;
  let lane = t % ${L}; let rl = t / ${L};
  var s1 = ${T}(0.0); var s2 = ${T}(0.0);
  if (rl < ${u(g.rowLanes)} && wg < ${u(g.groups)}) {
    ${setup}
    let r1 = min((wg + 1u) * ${u(g.chunk)}, ${u(g.rows)});
    for (var r = wg * ${u(g.chunk)} + rl; r < r1; r += ${u(g.rowLanes)}) {
      let i = r * ${L} + lane;
      ${body}
      s1 += a; s2 += b;
    }
  }
  p1[t] = s1; p2[t] = s2;
  workgroupBarrier();
  if (rl == 0u && wg < ${u(g.groups)}) {
    var a = ${T}(0.0); var b = ${T}(0.0);
    for (var k = 0u; k < ${u(g.rowLanes)}; k++) { a += p1[k * ${L} + lane]; b += p2[k * ${L} + lane]; }
    result[wg * ${u(2 * g.lanes)} + lane] = a;
    result[wg * ${u(2 * g.lanes)} + ${L} + lane] = b;
  }
}`;
  return makeProgram({
    key: `${name}_${key(g)}`,
    inputs,
    components: inputs.map(() => g.vec),
    outputComponent: g.vec,
    outputShape: [g.groups, 2, g.channels],
    groups: g.groups,
    code,
  });
}

/**
 * Shifted sums of x: d = x - x[row 0], sums of d and d^2 (the shift by a sample keeps E[d^2] - E[d]^2 from
 * cancelling when the mean is large against the spread).
 */
export function momentsPartialProgram(g: BnGeom): GpuProgram {
  return partialSums(g, 'bnmoments', ['x'], 'let k = x[lane];', 'let a = x[i] - k; let b = a * a;');
}

/**
 * Second level: one workgroup per channel sums the partials of `rows` (offsets into a [groups, 2, C] partial)
 * with 256 threads and a tree in workgroup memory, then thread 0 runs `finish` (a, b = the two totals).
 */
function channelTotals(g: BnGeom, name: string, inputs: string[], finish: string, outputShape: number[]) {
  const C2 = u(2 * g.channels);
  const code = `
var<workgroup> q1: array<f32, 256>;
var<workgroup> q2: array<f32, 256>;
fn main(index: i32) {
  let c = ${WG_INDEX};
  let t = localIndex;
  var a = 0.0; var b = 0.0;
  if (c < ${u(g.channels)}) {
    for (var k = t; k < ${u(g.groups)}; k += 256u) {
      a += partial[k * ${C2} + c]; b += partial[k * ${C2} + ${u(g.channels)} + c];
    }
  }
  q1[t] = a; q2[t] = b;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s = s >> 1u) {
    if (t < s) { q1[t] += q1[t + s]; q2[t] += q2[t + s]; }
    workgroupBarrier();
  }
  if (t == 0u && c < ${u(g.channels)}) {
    let a = q1[0]; let b = q2[0];
    ${finish}
  }
}`;
  return makeProgram({
    key: `${name}_${key(g)}_${g.groups}`,
    inputs,
    outputShape,
    groups: g.channels,
    code,
  });
}

/** moments [2, C] = mean, biased variance, from the partial shifted sums (x[row 0] is the shift). */
export function momentsFinalProgram(g: BnGeom): GpuProgram {
  const finish = `let m = a / ${g.rows}.0;
    result[c] = x[c] + m;
    result[${u(g.channels)} + c] = max(b / ${g.rows}.0 - m * m, 0.0);`;
  return channelTotals(g, 'bnmomentsfinal', ['partial', 'x'], finish, [2, g.channels]);
}

/** WGSL: mean and 1/sqrt(var + eps) of channel vec j from moments [2, C]. */
const statsOf = (g: BnGeom, eps: number) =>
  `let mean = moments[j]; let rstd = inverseSqrt(moments[${u(g.lanes)} + j] + ${flt(eps)});`;

function elementwise(g: BnGeom, name: string, inputs: string[], expr: string, eps: number, shape: number[]) {
  const size = (g.rows * g.channels) / g.vec;
  const code = `
fn main(index: i32) {
  let i = u32(index);
  if (i < ${u(size)}) {
    let j = i % ${u(g.lanes)};
    ${statsOf(g, eps)}
    result[i] = ${expr};
  }
}`;
  return makeProgram({
    key: `${name}_${key(g)}_${eps}`,
    inputs,
    components: inputs.map(() => g.vec),
    outputComponent: g.vec,
    outputShape: shape,
    groups: Math.ceil(size / 256),
    code,
  });
}

/** y = x * scale + (beta - mean * scale), scale = gamma / sqrt(var + eps): the plain path's folding. */
export function applyProgram(g: BnGeom, eps: number, shape: number[]): GpuProgram {
  return elementwise(
    g,
    'bnapply',
    ['x', 'moments', 'gamma', 'beta'],
    'x[i] * (gamma[j] * rstd) + (beta[j] - mean * (gamma[j] * rstd))',
    eps,
    shape,
  );
}

/** Backward first level: sums of dy and dy * xhat per channel (xhat = (x - mean) * rstd). */
export function gradPartialProgram(g: BnGeom, eps: number): GpuProgram {
  const j = 'let j = lane;';
  const body = 'let a = dy[i]; let b = a * ((x[i] - mean) * rstd);';
  const p = partialSums(g, `bngradpartial_${eps}`, ['dy', 'x', 'moments'], `${j} ${statsOf(g, eps)}`, body);
  return p;
}

/** out[c] = sum over workgroups of partial[wg, row, c] (row 0: dbeta, row 1: dgamma). */
export function partialRowProgram(g: BnGeom, row: 0 | 1): GpuProgram {
  return channelTotals(g, `bnpartialrow${row}`, ['partial'], `result[c] = ${row === 0 ? 'a' : 'b'};`, [
    g.channels,
  ]);
}

/** dx = gamma * rstd * (dy - (dbeta + xhat * dgamma) / n): the whole derivative through mean and variance. */
export function inputGradProgram(g: BnGeom, eps: number, shape: number[]): GpuProgram {
  return elementwise(
    g,
    'bndx',
    ['dy', 'x', 'moments', 'gamma', 'dbeta', 'dgamma'],
    `gamma[j] * rstd * (dy[i] - (dbeta[j] + ((x[i] - mean) * rstd) * dgamma[j]) / ${g.rows}.0)`,
    eps,
    shape,
  );
}

/** moving * momentum + moments[row] * (1 - momentum), both factors rounded to f32 as tf.mul's scalars are. */
export function movingAverageProgram(channels: number, row: 0 | 1, momentum: number): GpuProgram {
  const code = `
fn main(index: i32) {
  let c = u32(index);
  if (c < ${u(channels)}) {
    result[c] = moving[c] * ${flt(momentum)} + moments[${u(row * channels)} + c] * ${flt(1 - momentum)};
  }
}`;
  return makeProgram({
    key: `bnmoving_${channels}_${row}_${momentum}`,
    inputs: ['moving', 'moments'],
    outputShape: [channels],
    groups: Math.ceil(channels / 256),
    code,
  });
}
