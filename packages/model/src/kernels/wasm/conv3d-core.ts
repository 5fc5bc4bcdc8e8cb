// Conv3D (VALID, stride 1, NDHWC) as chunked im2col + XNNPACK matmul, on raw heap offsets.
// Forward: out[rows, O] = col[rows, K] x W[K, O], K = f1*f2*f3*C; the filter tensor already is W.
// Filter gradient: dW[K, O] = sum over chunks col^T[K, m] x dy[m, O]; col^T is filled from a
// channels-first copy of x (contiguous runs), dy rows are XNNPACK's "weights" side (fresh id per chunk,
// so a stale packing is never reused). Input gradient: the forward conv of dy zero-padded by f-1 with
// the flipped, in/out-swapped filter (reuses the forward path).
import { platform } from '#platform';
import type { ConvGeom } from './conv-geom.js';
import type { Heap } from './heap.js';
import { winograd, winogradApplies } from './winograd.js';

export type { ConvGeom };

/** Max floats in one im2col chunk (32 MiB): bounds the working set whatever the volume size. */
export const COL_BUDGET_FLOATS = 8 * 2 ** 20;

/** Cumulative wall time inside the conv kernels, for the benchmark's profile. */
export const kernelProfile = { copyMs: 0, matMulMs: 0 };

function outDims(g: ConvGeom): [number, number, number] {
  return [g.d1 - g.f1 + 1, g.d2 - g.f2 + 1, g.d3 - g.f3 + 1];
}

/** Output lines (n, i, j) per chunk so that rows x K stays within the budget. */
function linesPerChunk(g: ConvGeom, o3: number): number {
  const k = g.f1 * g.f2 * g.f3 * g.c;
  return Math.max(1, Math.floor(COL_BUDGET_FLOATS / (k * o3)));
}

/** Writes im2col rows for output lines [line0, line1) at colF (float index). */
function fillCol(h: Float32Array, g: ConvGeom, xF: number, colF: number, line0: number, line1: number): void {
  const [o1, o2, o3] = outDims(g);
  const { d1, d2, d3, c, f1, f2, f3 } = g;
  const seg = f3 * c;
  const k = f1 * f2 * seg;
  let row = colF;
  for (let line = line0; line < line1; line++) {
    const n = Math.floor(line / (o1 * o2));
    const i = Math.floor(line / o2) % o1;
    const j = line % o2;
    for (let k1 = 0; k1 < f1; k1++) {
      for (let k2 = 0; k2 < f2; k2++) {
        // Source: x[n, i+k1, j+k2, l.., :] is contiguous along l; each row takes a window of f3*c.
        const src0 = xF + ((n * d1 + i + k1) * d2 + j + k2) * d3 * c;
        let dst = row + (k1 * f2 + k2) * seg;
        if (seg >= 48) {
          for (let l = 0; l < o3; l++, dst += k) h.copyWithin(dst, src0 + l * c, src0 + l * c + seg);
        } else {
          for (let l = 0; l < o3; l++, dst += k) {
            const s = src0 + l * c;
            for (let t = 0; t < seg; t++) h[dst + t] = h[s + t];
          }
        }
      }
    }
    row += o3 * k;
  }
}

// 3x3x3 filters go to Winograd F(2x2x2) or F(4x4x4) (winograd.ts, 3.4x or 8x fewer multiplies); CT3D_WINOGRAD=0 keeps
// the im2col + XNNPACK path for every shape (A/B benchmarks). Read once per thread (workers inherit env).
const winogradOn = platform.env('CT3D_WINOGRAD') !== '0';

/** True where the Winograd kernels run this conv. */
export const useWinograd = (g: ConvGeom): boolean => winogradOn && winogradApplies(g);

const xFloats = (g: ConvGeom): number => g.n * g.d1 * g.d2 * g.d3 * g.c;
const yFloats = (g: ConvGeom): number => g.n * outDims(g).reduce((a, b) => a * b, 1) * g.outC;
const wFloats = (g: ConvGeom): number => g.f1 * g.f2 * g.f3 * g.c * g.outC;

/** Float view of `floats` floats at byte offset `ptr` (valid until the heap next grows). */
const at = (heap: Heap, ptr: number, floats: number): Float32Array =>
  heap.f32.subarray(ptr >>> 2, (ptr >>> 2) + floats);

/**
 * out (byte offset) = VALID conv of x (byte offset) with the filter at wPtr (byte offset), also
 * registered as wId ([K, outC], for XNNPACK).
 */
export function convForwardInto(
  heap: Heap,
  g: ConvGeom,
  xPtr: number,
  wId: number,
  outPtr: number,
  wPtr: number,
): void {
  if (useWinograd(g))
    winograd().forward(g, at(heap, xPtr, xFloats(g)), at(heap, wPtr, wFloats(g)), (y) =>
      heap.f32.set(y, outPtr >>> 2),
    );
  else im2colForwardInto(heap, g, xPtr, wId, outPtr);
}

/** The im2col + XNNPACK forward (any filter size). */
function im2colForwardInto(heap: Heap, g: ConvGeom, xPtr: number, wId: number, outPtr: number): void {
  const [o1, o2, o3] = outDims(g);
  const k = g.f1 * g.f2 * g.f3 * g.c;
  const lines = g.n * o1 * o2;
  const per = linesPerChunk(g, o3);
  const colPtr = heap.alloc(Math.min(per, lines) * o3 * k);
  const colId = heap.view(colPtr, Math.min(per, lines) * o3 * k);
  try {
    for (let l0 = 0; l0 < lines; l0 += per) {
      const l1 = Math.min(lines, l0 + per);
      const m = (l1 - l0) * o3;
      const t0 = performance.now();
      fillCol(heap.f32, g, xPtr >>> 2, colPtr >>> 2, l0, l1);
      const t1 = performance.now();
      kernelProfile.copyMs += t1 - t0;
      const outId = heap.view(outPtr + l0 * o3 * g.outC * 4, m * g.outC);
      heap.matMul(colId, wId, outId, m, k, g.outC);
      heap.unview(outId);
      kernelProfile.matMulMs += performance.now() - t1;
    }
  } finally {
    heap.unview(colId);
    heap.free(colPtr);
  }
}

/** Returns dW as [K, outC] (filter layout) for x (byte offset) and dy (byte offset). */
export function convFilterGrad(heap: Heap, g: ConvGeom, xPtr: number, dyPtr: number): Float32Array {
  if (useWinograd(g))
    return winograd().filterGrad(g, at(heap, xPtr, xFloats(g)), at(heap, dyPtr, yFloats(g)));
  const [o1, o2, o3] = outDims(g);
  const k = g.f1 * g.f2 * g.f3 * g.c;
  const oc = g.outC;
  const lines = g.n * o1 * o2;
  const per = linesPerChunk(g, o3);
  const mMax = Math.min(per, lines) * o3;
  const xSize = g.n * g.d1 * g.d2 * g.d3 * g.c;
  // x transposed to [n, c, d1, d2, d3] so that every col^T row segment is a contiguous run of o3.
  const xtPtr = heap.alloc(xSize);
  const colPtr = heap.alloc(mMax * k);
  const tmpPtr = heap.alloc(k * oc);
  const colId = heap.view(colPtr, mMax * k);
  const tmpId = heap.view(tmpPtr, k * oc);
  const acc = new Float32Array(k * oc);
  try {
    let t0 = performance.now();
    const spatial = g.d1 * g.d2 * g.d3;
    for (let n = 0; n < g.n; n++)
      transposeRows(
        heap.f32,
        (xPtr >>> 2) + n * spatial * g.c,
        (xtPtr >>> 2) + n * spatial * g.c,
        spatial,
        g.c,
      );
    kernelProfile.copyMs += performance.now() - t0;
    for (let l0 = 0; l0 < lines; l0 += per) {
      const l1 = Math.min(lines, l0 + per);
      const m = (l1 - l0) * o3;
      t0 = performance.now();
      fillColT(heap.f32, g, xtPtr >>> 2, colPtr >>> 2, l0, l1);
      const t1 = performance.now();
      kernelProfile.copyMs += t1 - t0;
      // dy rows of this chunk are XNNPACK's "weights" side: a fresh id each chunk (packed once, then dropped).
      const dyId = heap.view(dyPtr + l0 * o3 * oc * 4, m * oc);
      heap.matMul(colId, dyId, tmpId, k, m, oc);
      heap.unview(dyId);
      const t2 = performance.now();
      kernelProfile.matMulMs += t2 - t1;
      const t = heap.f32.subarray(tmpPtr >>> 2, (tmpPtr >>> 2) + k * oc);
      for (let i = 0; i < acc.length; i++) acc[i] += t[i];
      kernelProfile.copyMs += performance.now() - t2;
    }
  } finally {
    heap.unview(colId);
    heap.unview(tmpId);
    heap.free(xtPtr);
    heap.free(colPtr);
    heap.free(tmpPtr);
  }
  return acc;
}

/** col^T[K, m] for output lines [line0, line1) from channels-first xt (float indices). */
function fillColT(
  h: Float32Array,
  g: ConvGeom,
  xtF: number,
  colF: number,
  line0: number,
  line1: number,
): void {
  const [o1, o2, o3] = outDims(g);
  const { d1, d2, d3, c, f1, f2, f3 } = g;
  const m = (line1 - line0) * o3;
  const plane = d1 * d2 * d3;
  let row = colF;
  for (let k1 = 0; k1 < f1; k1++)
    for (let k2 = 0; k2 < f2; k2++)
      for (let k3 = 0; k3 < f3; k3++)
        for (let ci = 0; ci < c; ci++, row += m) {
          let dst = row;
          for (let line = line0; line < line1; line++, dst += o3) {
            const n = Math.floor(line / (o1 * o2));
            const i = Math.floor(line / o2) % o1;
            const j = line % o2;
            const s = xtF + (n * c + ci) * plane + ((i + k1) * d2 + j + k2) * d3 + k3;
            for (let l = 0; l < o3; l++) h[dst + l] = h[s + l];
          }
        }
}

/** dst[cols, rows] = src[rows, cols] (float indices). */
function transposeRows(h: Float32Array, src: number, dst: number, rows: number, cols: number): void {
  const B = 64;
  for (let r0 = 0; r0 < rows; r0 += B) {
    const r1 = Math.min(rows, r0 + B);
    for (let cc = 0; cc < cols; cc++) {
      const d = dst + cc * rows;
      for (let r = r0; r < r1; r++) h[d + r] = h[src + r * cols + cc];
    }
  }
}

/** dx (byte offset, input shape) from dy (byte offset) and the filter (byte offset, [f1,f2,f3,C,O]). */
export function convInputGradInto(heap: Heap, g: ConvGeom, dyPtr: number, wPtr: number, dxPtr: number): void {
  if (useWinograd(g)) {
    winograd().inputGrad(
      g,
      at(heap, dyPtr, yFloats(g)),
      at(heap, wPtr, wFloats(g)),
      at(heap, dxPtr, xFloats(g)),
    );
    return;
  }
  const [o1, o2, o3] = outDims(g);
  const { f1, f2, f3, c, outC } = g;
  const p1 = o1 + 2 * (f1 - 1);
  const p2 = o2 + 2 * (f2 - 1);
  const p3 = o3 + 2 * (f3 - 1);
  const padFloats = g.n * p1 * p2 * p3 * outC;
  const kT = f1 * f2 * f3 * outC;
  const padPtr = heap.alloc(padFloats);
  const wtPtr = heap.alloc(kT * c);
  let wtId = 0;
  try {
    const h = heap.f32;
    const pad = padPtr >>> 2;
    h.fill(0, pad, pad + padFloats);
    const dy = dyPtr >>> 2;
    const run = o3 * outC;
    for (let n = 0; n < g.n; n++)
      for (let i = 0; i < o1; i++)
        for (let j = 0; j < o2; j++) {
          const s = dy + ((n * o1 + i) * o2 + j) * run;
          const d = pad + (((n * p1 + i + f1 - 1) * p2 + j + f2 - 1) * p3 + f3 - 1) * outC;
          h.copyWithin(d, s, s + run);
        }
    // Flipped filter with in/out swapped: wt[(k1,k2,k3,o), ci] = w[(f1-1-k1, f2-1-k2, f3-1-k3, ci), o].
    const w = wPtr >>> 2;
    const wt = wtPtr >>> 2;
    for (let k1 = 0; k1 < f1; k1++)
      for (let k2 = 0; k2 < f2; k2++)
        for (let k3 = 0; k3 < f3; k3++) {
          const src = w + (((f1 - 1 - k1) * f2 + (f2 - 1 - k2)) * f3 + (f3 - 1 - k3)) * c * outC;
          const dst = wt + ((k1 * f2 + k2) * f3 + k3) * outC * c;
          for (let ci = 0; ci < c; ci++)
            for (let o = 0; o < outC; o++) h[dst + o * c + ci] = h[src + ci * outC + o];
        }
    wtId = heap.view(wtPtr, kT * c);
    const gT: ConvGeom = { n: g.n, d1: p1, d2: p2, d3: p3, c: outC, f1, f2, f3, outC: c };
    im2colForwardInto(heap, gT, padPtr, wtId, dxPtr);
  } finally {
    if (wtId) heap.unview(wtId);
    heap.free(padPtr);
    heap.free(wtPtr);
  }
}
