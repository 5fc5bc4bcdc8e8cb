// Tiled implicit-GEMM WGSL for 3D convolution (NDHWC, stride 1, no dilation, VALID on pre-padded input).
// A workgroup computes a TM x 64 output tile; each thread RM rows x 4 columns (one vec4 per row), staging
// 16-deep slices of A (im2col of x, never materialized) and B in workgroup memory.
import { type GpuProgram, makeProgram, u, WG_INDEX } from './program.js';

export interface Tile {
  tm: 32 | 64 | 128 | 256;
  rm: 4 | 8 | 16;
}

export function threadsOf(tile: Tile): number {
  return (16 * tile.tm) / tile.rm;
}

function tileDecl(tile: Tile): string {
  return `
const TM = ${u(tile.tm)};
const TM4 = ${u(tile.tm / 4)};
const RM4 = ${u(tile.rm / 4)};
const NTHREADS = ${u(threadsOf(tile))};
var<workgroup> As: array<vec4<f32>, ${(16 * tile.tm) / 4}>;
var<workgroup> Bs: array<vec4<f32>, 256>;`;
}

/** acc_i += A[row i] * B[k] over one 16-deep slice held in As/Bs. */
function innerProduct(rm: number): string {
  const lines: string[] = [];
  for (let q = 0; q < rm / 4; q++) {
    lines.push(`let a${q} = As[kq * TM4 + ty * RM4 + ${u(q)}];`);
    ['x', 'y', 'z', 'w'].forEach((c, j) => {
      const i = q * 4 + j;
      lines.push(`acc${i} = fma(vec4<f32>(a${q}.${c}), bv, acc${i});`);
    });
  }
  return `for (var kq = 0u; kq < 16u; kq++) {
      let bv = Bs[kq * 16u + tx];
      ${lines.join('\n      ')}
    }`;
}

function accDecl(rm: number): string {
  return Array.from({ length: rm }, (_, i) => `var acc${i} = vec4<f32>(0.0);`).join('\n  ');
}

/** Stores acc rows to result[(base + row) * N + n], vec4 when N % 4 == 0. */
function storeRows(
  rm: number,
  n: number,
  rowLimit: string,
  offset: string,
  value: (i: number) => string = (i) => `acc${i}`,
): string {
  const vec = n % 4 === 0;
  const lines: string[] = [];
  for (let i = 0; i < rm; i++) {
    const body = vec
      ? `if (col < ${u(n)}) { result[(${offset} + row * ${u(n)} + col) / 4u] = ${value(i)}; }`
      : [0, 1, 2, 3]
          .map(
            (c) =>
              `if (col + ${c}u < ${u(n)}) { result[${offset} + row * ${u(n)} + col + ${c}u] = (${value(i)})[${c}]; }`,
          )
          .join(' ');
    lines.push(`{ let row = row0 + ty * ${u(tile4(rm))} + ${u(i)}; if (row < ${rowLimit}) { ${body} } }`);
  }
  return lines.join('\n  ');
}
const tile4 = (rm: number) => rm;

/** Loads Bs[slot] = B[k, n..n+3] from a row-major [rows, N] matrix `src`, zero outside. */
function loadBRow(src: string, n: number, kExpr: string, kLimit: string): string {
  if (n % 4 === 0) {
    return `{ let kb = ${kExpr}; var v = vec4<f32>(0.0);
      if (kb < ${kLimit} && bN < ${u(n)}) { v = ${src}[(kb * ${u(n)} + bN) / 4u]; }
      Bs[slot] = v; }`;
  }
  const parts = [0, 1, 2, 3]
    .map(
      (c) => `if (kb < ${kLimit} && bN + ${c}u < ${u(n)}) { v[${c}] = ${src}[kb * ${u(n)} + bN + ${c}u]; }`,
    )
    .join(' ');
  return `{ let kb = ${kExpr}; var v = vec4<f32>(0.0); ${parts} Bs[slot] = v; }`;
}

export interface ConvGeom {
  batch: number;
  inDims: [number, number, number];
  inChannels: number;
  filter: [number, number, number];
  outDims: [number, number, number];
  outChannels: number;
}

function geomConsts(g: ConvGeom): string {
  const [d1, d2, d3] = g.inDims;
  const [f1, f2, f3] = g.filter;
  const [o1, o2, o3] = g.outDims;
  return `
const D1 = ${u(d1)}; const D2 = ${u(d2)}; const D3 = ${u(d3)}; const C = ${u(g.inChannels)};
const F2 = ${u(f2)}; const F3 = ${u(f3)}; const F1 = ${u(f1)};
const O1 = ${u(o1)}; const O2 = ${u(o2)}; const O3 = ${u(o3)}; const N = ${u(g.outChannels)};
const KF = ${u(f1 * f2 * f3 * g.inChannels)};
const R = ${u(g.batch * o1 * o2 * o3)};
const NT = ${u(Math.ceil(g.outChannels / 64))};
// Offset in x of output position r's receptive-field corner.
fn cornerOf(r: u32) -> u32 {
  let o3 = r % O3; let q1 = r / O3; let o2 = q1 % O2; let q2 = q1 / O2; let o1 = q2 % O1; let b = q2 / O1;
  return (((b * D1 + o1) * D2 + o2) * D3 + o3) * C;
}
// Offset of filter row k = ((k1 * F2 + k2) * F3 + k3) * C + ci from a corner.
fn tapOffset(k: u32) -> u32 {
  let ci = k % C; let tap = k / C; let k3 = tap % F3; let t2 = tap / F3; let k2 = t2 % F2; let k1 = t2 / F2;
  return ((k1 * D2 + k2) * D3 + k3) * C + ci;
}`;
}

const geomKey = (g: ConvGeom) =>
  [g.batch, ...g.inDims, g.inChannels, ...g.filter, ...g.outDims, g.outChannels].join('x');

/** y[r, n] = sum_k x[corner(r) + tap(k)] * w[k, n]: forward conv as implicit GEMM (M = R, K = KF). */
interface ALoader {
  setup: string;
  perTile: string;
  xComponents: number;
}

/** Forward A slice, any C: lane (column aK, row group rg) gathers RM scalars. */
function scalarALoader(rm: number): ALoader {
  const setup = [
    'let aK = t % 16u; let rg = t / 16u;',
    ...Array.from(
      { length: rm },
      (_, i) =>
        `let m${i} = row0 + rg * ${u(rm)} + ${u(i)}; let ok${i} = m${i} < R; let base${i} = cornerOf(min(m${i}, R - 1u));`,
    ),
  ].join('\n  ');
  const loads = Array.from({ length: rm / 4 }, (_, q) => {
    const comps = [0, 1, 2, 3]
      .map((c) => `if (kOk && ok${q * 4 + c}) { v[${c}] = x[base${q * 4 + c} + koff]; }`)
      .join(' ');
    return `{ var v = vec4<f32>(0.0); ${comps} As[aK * TM4 + rg * RM4 + ${u(q)}] = v; }`;
  });
  const perTile = `let kOk = k0 + aK < KF;
    let koff = tapOffset(min(k0 + aK, KF - 1u));
    ${loads.join('\n    ')}`;
  return { setup, perTile, xComponents: 1 };
}

/**
 * Forward A slice for C % 4 == 0: lane (k quad kq, row block blk) loads 4 rows x 4 consecutive channels as
 * four aligned vec4 and stores them transposed (rows in a vec4), as the inner product reads them.
 */
function vecALoader(): ALoader {
  const rows = [0, 1, 2, 3];
  const setup = [
    'let kq = t % 4u; let blk = t / 4u; let aActive = blk < TM4;',
    ...rows.map(
      (c) =>
        `let m${c} = row0 + 4u * blk + ${c}u; let ok${c} = m${c} < R; let base${c} = cornerOf(min(m${c}, R - 1u));`,
    ),
  ].join('\n  ');
  const loads = rows.map(
    (c) => `var v${c} = vec4<f32>(0.0); if (kOk && ok${c}) { v${c} = x[(base${c} + koff) / 4u]; }`,
  );
  const stores = ['x', 'y', 'z', 'w'].map(
    (comp, j) =>
      `As[(4u * kq + ${j}u) * TM4 + blk] = vec4<f32>(v0.${comp}, v1.${comp}, v2.${comp}, v3.${comp});`,
  );
  const perTile = `let kA = k0 + 4u * kq;
    let kOk = kA < KF;
    let koff = tapOffset(min(kA, KF - 4u));
    if (aActive) {
      ${loads.join('\n      ')}
      ${stores.join('\n      ')}
    }`;
  return { setup, perTile, xComponents: 4 };
}

/** Loads the bias for this thread's 4 columns (zero outside N). */
function biasLoad(n: number): string {
  if (n % 4 === 0) return `var biasV = vec4<f32>(0.0); if (col < ${u(n)}) { biasV = bias[col / 4u]; }`;
  const parts = [0, 1, 2, 3]
    .map((c) => `if (col + ${c}u < ${u(n)}) { biasV[${c}] = bias[col + ${c}u]; }`)
    .join(' ');
  return `var biasV = vec4<f32>(0.0); ${parts}`;
}

/**
 * y[r, n] = sum_k x[corner(r) + tap(k)] * w[k, n]: forward conv as implicit GEMM (M = R, K = KF).
 * With biasRelu, y = max(y + bias[n], 0) in the epilogue (third input 'bias').
 */
export function convForwardProgram(g: ConvGeom, tile: Tile, biasRelu = false): GpuProgram {
  const { tm, rm } = tile;
  const rows = g.batch * g.outDims[0] * g.outDims[1] * g.outDims[2];
  const groups = Math.ceil(rows / tm) * Math.ceil(g.outChannels / 64);
  const threads = threadsOf(tile);
  const a = g.inChannels % 4 === 0 ? vecALoader() : scalarALoader(rm);
  const bLoads = Array.from({ length: 256 / threads }, (_, j) => {
    const slot = `t + ${u(j * threads)}`;
    return `{ let slot = ${slot}; let bN = n0 + 4u * (slot % 16u);
      ${loadBRow('W', g.outChannels, 'k0 + slot / 16u', 'KF')} }`;
  }).join('\n    ');
  const code = `${tileDecl(tile)}
${geomConsts(g)}
fn main(index: i32) {
  let wg = ${WG_INDEX};
  let t = localIndex;
  let tx = t % 16u; let ty = t / 16u;
  let n0 = (wg % NT) * 64u;
  let col = n0 + 4u * tx;
  let row0 = (wg / NT) * TM;
  ${a.setup}
  ${accDecl(rm)}
  for (var k0 = 0u; k0 < KF; k0 += 16u) {
    ${a.perTile}
    ${bLoads}
    workgroupBarrier();
    ${innerProduct(rm)}
    workgroupBarrier();
  }
  ${biasRelu ? biasLoad(g.outChannels) : ''}
  ${storeRows(rm, g.outChannels, 'R', '0u', biasRelu ? (i) => `max(acc${i} + biasV, vec4<f32>(0.0))` : undefined)}
}`;
  const vecN = g.outChannels % 4 === 0 ? 4 : 1;
  return makeProgram({
    key: `convfwd${biasRelu ? 'biasrelu' : ''}_${geomKey(g)}_${tm}_${rm}`,
    inputs: biasRelu ? ['x', 'W', 'bias'] : ['x', 'W'],
    components: biasRelu ? [a.xComponents, vecN, vecN] : [a.xComponents, vecN],
    outputComponent: g.outChannels % 4 === 0 ? 4 : 1,
    outputShape: [g.batch, ...g.outDims, g.outChannels],
    groups,
    threads,
    code,
  });
}

/**
 * dW[k, n] = sum_r x[corner(r) + tap(k)] * dy[r, n] over r in one chunk of `chunk` positions per split.
 * With splits > 1 the output is partial sums [splits, KF * N], reduced by reduceSplitsProgram.
 */
export function convFilterGradProgram(g: ConvGeom, tile: Tile, splits: number, chunk: number): GpuProgram {
  const { tm, rm } = tile;
  const kf = g.filter[0] * g.filter[1] * g.filter[2] * g.inChannels;
  const mt = Math.ceil(kf / tm);
  const nt = Math.ceil(g.outChannels / 64);
  const threads = threadsOf(tile);
  const lanesPerR = tm / 4;
  const rPerPass = threads / lanesPerR;
  const passes = Math.max(1, 16 / rPerPass);
  const rowSetup = [0, 1, 2, 3]
    .map(
      (c) =>
        `let kr${c} = row0 + 4u * rl + ${c}u; let kOk${c} = kr${c} < KF; let koff${c} = tapOffset(min(kr${c}, KF - 1u));`,
    )
    .join('\n  ');
  const vecX = g.inChannels % 4 === 0;
  const aLoads = Array.from({ length: passes }, (_, j) => {
    // With C % 4 == 0 a lane's 4 filter rows are 4 consecutive channels of one tap: one aligned vec4 load.
    const comps = vecX
      ? 'if (rOk && kOk0) { v = x[(base + koff0) / 4u]; }'
      : [0, 1, 2, 3].map((c) => `if (rOk && kOk${c}) { v[${c}] = x[base + koff${c}]; }`).join(' ');
    const guard = rPerPass > 16 ? 'if (rr < 16u) ' : '';
    return `${guard}{ let rl2 = rr + ${u(j * rPerPass)}; let r = r0 + rl2; let rOk = r < rEnd;
      let base = cornerOf(min(r, R - 1u)); var v = vec4<f32>(0.0); ${comps}
      As[rl2 * TM4 + rl] = v; }`;
  }).join('\n    ');
  const bLoads = Array.from({ length: 256 / threads }, (_, j) => {
    return `{ let slot = t + ${u(j * threads)}; let bN = n0 + 4u * (slot % 16u);
      ${loadBRow('dy', g.outChannels, 'r0 + slot / 16u', 'rEnd')} }`;
  }).join('\n    ');
  const offset = splits > 1 ? 'split * KF * N' : '0u';
  const code = `${tileDecl(tile)}
${geomConsts(g)}
const MT = ${u(mt)};
const CHUNK = ${u(chunk)};
fn main(index: i32) {
  let wg = ${WG_INDEX};
  let t = localIndex;
  let tx = t % 16u; let ty = t / 16u;
  let n0 = (wg % NT) * 64u;
  let col = n0 + 4u * tx;
  let rest = wg / NT;
  let row0 = (rest % MT) * TM;
  let split = rest / MT;
  let rStart = split * CHUNK;
  let rEnd = min(rStart + CHUNK, R);
  let rl = t % TM4; let rr = t / TM4;
  ${rowSetup}
  ${accDecl(rm)}
  for (var it = 0u; it < CHUNK / 16u; it++) {
    let r0 = rStart + it * 16u;
    ${aLoads}
    ${bLoads}
    workgroupBarrier();
    ${innerProduct(rm)}
    workgroupBarrier();
  }
  if (rStart < R) {
  ${storeRows(rm, g.outChannels, 'KF', offset)}
  }
}`;
  return makeProgram({
    key: `convwgrad_${geomKey(g)}_${tm}_${rm}_${splits}_${chunk}`,
    inputs: ['x', 'dy'],
    components: [vecX ? 4 : 1, g.outChannels % 4 === 0 ? 4 : 1],
    outputComponent: g.outChannels % 4 === 0 ? 4 : 1,
    outputShape: splits > 1 ? [splits, kf * g.outChannels] : [...g.filter, g.inChannels, g.outChannels],
    groups: mt * nt * splits,
    threads,
    code,
  });
}

/** out[i] = sum_s partial[s, i]. */
export function reduceSplitsProgram(splits: number, size: number, outShape: number[]): GpuProgram {
  const code = `
fn main(index: i32) {
  let i = u32(index);
  if (i < ${u(size)}) {
    var s = 0.0;
    for (var k = 0u; k < ${u(splits)}; k++) { s += partial[k * ${u(size)} + i]; }
    result[i] = s;
  }
}`;
  return makeProgram({
    key: `reducesplits_${splits}_${size}`,
    inputs: ['partial'],
    outputShape: outShape,
    groups: Math.ceil(size / 256),
    code,
  });
}
