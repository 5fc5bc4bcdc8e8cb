// Elementwise helper programs: filter flip/transpose for the input gradient, zero padding, and 3D max pooling.
import { type GpuProgram, makeProgram, product, u } from './program.js';

/** w'[a, b, c, co, ci] = w[F1-1-a, F2-1-b, F3-1-c, ci, co]: the input gradient's filter. */
export function flipFilterProgram(filter: [number, number, number, number, number]): GpuProgram {
  const [f1, f2, f3, ci, co] = filter;
  const size = product(filter);
  const code = `
fn main(index: i32) {
  let i = u32(index);
  if (i < ${u(size)}) {
    let c = i % ${u(ci)}; let q1 = i / ${u(ci)};
    let o = q1 % ${u(co)}; let tap = q1 / ${u(co)};
    let k3 = tap % ${u(f3)}; let q2 = tap / ${u(f3)}; let k2 = q2 % ${u(f2)}; let k1 = q2 / ${u(f2)};
    let src = (((((${u(f1 - 1)} - k1) * ${u(f2)} + (${u(f2 - 1)} - k2)) * ${u(f3)} + (${u(f3 - 1)} - k3)) * ${u(ci)} + c) * ${u(co)}) + o;
    result[i] = W[src];
  }
}`;
  return makeProgram({
    key: `flipfilter_${filter.join('x')}`,
    inputs: ['W'],
    outputShape: [f1, f2, f3, co, ci],
    groups: Math.ceil(size / 256),
    code,
  });
}

export type Shape5 = [number, number, number, number, number];

/** Zero-pads the three spatial dims of an NDHWC tensor by before[i] / after[i]. */
export function padSpatialProgram(shape: Shape5, before: number[], after: number[]): GpuProgram {
  const [b, d1, d2, d3, c] = shape;
  const out: Shape5 = [b, d1 + before[0] + after[0], d2 + before[1] + after[1], d3 + before[2] + after[2], c];
  const size = product(out);
  const code = `
fn main(index: i32) {
  let i = u32(index);
  if (i < ${u(size)}) {
    let ch = i % ${u(c)}; let q1 = i / ${u(c)};
    let p3 = i32(q1 % ${u(out[3])}) - ${before[2]}; let q2 = q1 / ${u(out[3])};
    let p2 = i32(q2 % ${u(out[2])}) - ${before[1]}; let q3 = q2 / ${u(out[2])};
    let p1 = i32(q3 % ${u(out[1])}) - ${before[0]}; let n = q3 / ${u(out[1])};
    var v = 0.0;
    if (p1 >= 0 && p1 < ${d1} && p2 >= 0 && p2 < ${d2} && p3 >= 0 && p3 < ${d3}) {
      v = x[(((n * ${u(d1)} + u32(p1)) * ${u(d2)} + u32(p2)) * ${u(d3)} + u32(p3)) * ${u(c)} + ch];
    }
    result[i] = v;
  }
}`;
  return makeProgram({
    key: `padspatial_${shape.join('x')}_${before.join('x')}_${after.join('x')}`,
    inputs: ['x'],
    outputShape: out,
    groups: Math.ceil(size / 256),
    code,
  });
}

export interface PoolGeom {
  inShape: Shape5;
  filter: [number, number, number];
  strides: [number, number, number];
  outDims: [number, number, number];
}

/** WGSL: index in x of element (n, p1, p2, p3, ch)'s window corner plus tap (a, b, c). */
function poolConsts(g: PoolGeom): string {
  const [, d1, d2, d3, c] = g.inShape;
  const [o1, o2, o3] = g.outDims;
  const [f1, f2, f3] = g.filter;
  const [s1, s2, s3] = g.strides;
  return `
const D1 = ${u(d1)}; const D2 = ${u(d2)}; const D3 = ${u(d3)}; const C = ${u(c)};
const O1 = ${u(o1)}; const O2 = ${u(o2)}; const O3 = ${u(o3)};
const F1 = ${u(f1)}; const F2 = ${u(f2)}; const F3 = ${u(f3)};
const S1 = ${u(s1)}; const S2 = ${u(s2)}; const S3 = ${u(s3)};
fn xIndex(n: u32, i1: u32, i2: u32, i3: u32, ch: u32) -> u32 {
  return (((n * D1 + i1) * D2 + i2) * D3 + i3) * C + ch;
}
// Flat window position of the maximum, last one on ties (as the cpu backend's maxPool3dPositions).
fn argmaxOf(n: u32, p1: u32, p2: u32, p3: u32, ch: u32) -> u32 {
  var best = -3.402823e38; var pos = 0u; var k = 0u;
  for (var a = 0u; a < F1; a++) { for (var b = 0u; b < F2; b++) { for (var c = 0u; c < F3; c++) {
    let v = x[xIndex(n, p1 * S1 + a, p2 * S2 + b, p3 * S3 + c, ch)];
    if (v >= best) { best = v; pos = k; }
    k++;
  } } }
  return pos;
}`;
}

const poolKey = (g: PoolGeom) => [...g.inShape, ...g.filter, ...g.strides].join('x');

/** y = max over each VALID window. */
export function maxPoolProgram(g: PoolGeom): GpuProgram {
  const [b, , , , c] = g.inShape;
  const out = [b, ...g.outDims, c];
  const size = product(out);
  const code = `${poolConsts(g)}
fn main(index: i32) {
  let i = u32(index);
  if (i < ${u(size)}) {
    let ch = i % C; let q1 = i / C; let p3 = q1 % O3; let q2 = q1 / O3; let p2 = q2 % O2; let q3 = q2 / O2;
    let p1 = q3 % O1; let n = q3 / O1;
    var best = -3.402823e38;
    for (var a = 0u; a < F1; a++) { for (var bb = 0u; bb < F2; bb++) { for (var cc = 0u; cc < F3; cc++) {
      best = max(best, x[xIndex(n, p1 * S1 + a, p2 * S2 + bb, p3 * S3 + cc, ch)]);
    } } }
    result[i] = best;
  }
}`;
  return makeProgram({
    key: `maxpool3d_${poolKey(g)}`,
    inputs: ['x'],
    outputShape: out,
    groups: Math.ceil(size / 256),
    code,
  });
}

/**
 * dx for non-overlapping windows (stride >= filter): each input element finds its one window, recomputes the
 * window's argmax and takes dy there if it is that argmax; elements outside every window get 0.
 */
export function maxPoolGradProgram(g: PoolGeom): GpuProgram {
  const size = product(g.inShape);
  const code = `${poolConsts(g)}
fn main(index: i32) {
  let i = u32(index);
  if (i < ${u(size)}) {
    let ch = i % C; let q1 = i / C; let i3 = q1 % D3; let q2 = q1 / D3; let i2 = q2 % D2; let q3 = q2 / D2;
    let i1 = q3 % D1; let n = q3 / D1;
    let p1 = i1 / S1; let p2 = i2 / S2; let p3 = i3 / S3;
    let a = i1 - p1 * S1; let b = i2 - p2 * S2; let c = i3 - p3 * S3;
    var v = 0.0;
    if (p1 < O1 && p2 < O2 && p3 < O3 && a < F1 && b < F2 && c < F3) {
      if (argmaxOf(n, p1, p2, p3, ch) == (a * F2 + b) * F3 + c) {
        v = dy[(((n * O1 + p1) * O2 + p2) * O3 + p3) * C + ch];
      }
    }
    result[i] = v;
  }
}`;
  return makeProgram({
    key: `maxpool3dgrad_${poolKey(g)}`,
    inputs: ['dy', 'x'],
    outputShape: [...g.inShape],
    groups: Math.ceil(size / 256),
    code,
  });
}
