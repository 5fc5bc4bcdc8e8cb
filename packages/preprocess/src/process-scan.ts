import { assertVolume, matmul4, type StoredVoxels, storedVoxels, type Volume } from '@ct3d/core';
import { type HUWindow, normalizeHU, normalizeValue, resolveWindow } from './normalize-hu.js';
import { resizeTrilinear, zoomAffine, zoomSpacing } from './resize-trilinear.js';
import { rotate90, rotate90Mapping } from './rotate90.js';
import { linearTaps } from './zoom-taps.js';

/** Options of processScan. */
export interface ProcessOptions {
  /** Output [width, height, depth] (default [128, 128, 64], the seed's). */
  size?: readonly [number, number, number];
  /** HU window (default -1000..400). */
  window?: HUWindow;
}

/**
 * The seed's `process_scan`: normalizeHU -> rotate90 -> resizeTrilinear, fused into one pass.
 * The 90 degree turn is folded into the resize's index tables (no rotated copy), each input sample
 * is normalized as it is read (clip is nonlinear, so before interpolation, as the seed does),
 * and only the input rows the resize touches are read. Same values as the three separate steps.
 */
export function processScan(v: Volume, opts: ProcessOptions = {}): Volume {
  const stored = storedVoxels(v);
  // Stored integers stand in for v.data (equal voxel for voxel), which is then never made.
  assertVolume({ data: stored ?? v.data, shape: v.shape }, 'processScan');
  const size = opts.size ?? [128, 128, 64];
  if (size.length !== 3 || !size.every((n) => Number.isInteger(n) && n > 0)) {
    throw new Error(`processScan: invalid size [${size.join(', ')}]`);
  }
  const { min, max } = resolveWindow(opts.window ?? {});
  const [nx, ny, nz] = v.shape;
  const { di, cj } = rotate90Mapping(nx, ny);
  if (!Number.isInteger(di)) return unfused(v, size, opts.window);

  const [w, h, d] = size;
  // Taps in the rotated volume (shape nx, ny, nz), then mapped to input indices:
  // rotated (r0, r1, k) = input (r1 + di, cj - r0, k), zero outside the input.
  const t0 = linearTaps(nx, w); // output axis 0 -> rotated r0 -> input j
  const t1 = linearTaps(ny, h); // output axis 1 -> rotated r1 -> input i
  const tz = linearTaps(nz, d);
  const jLo = t0.lo.map((r) => cj - r);
  const jHi = t0.hi.map((r) => cj - r);
  const iLo = t1.lo.map((r) => r + di);
  const iHi = t1.hi.map((r) => r + di);
  // Zero the weight of any tap that lands outside the input (rotate90's zero fill), point it at 0.
  const wiLo = maskTaps(iLo, t1.wLo, t1.inside, nx);
  const wiHi = maskTaps(iHi, t1.wHi, t1.inside, nx);
  const rowUsed = new Uint8Array(ny);
  const wjLo = maskTaps(jLo, t0.wLo, t0.inside, ny);
  const wjHi = maskTaps(jHi, t0.wHi, t0.inside, ny);
  for (let o = 0; o < w; o++) {
    rowUsed[jLo[o]] = 1;
    rowUsed[jHi[o]] = 1;
  }
  const rows = new Float64Array(ny * h); // each used input row j of one slice, resampled along i
  const iTaps: RowTaps = { lo: iLo, hi: iHi, wLo: wiLo, wHi: wiHi };
  const jTaps: RowTaps = { lo: jLo, hi: jHi, wLo: wjLo, wHi: wjHi };
  // In-plane results of input slices, computed on demand into two slots (a depth sample needs two
  // slices; taps only move forward, so each used slice is computed once).
  const cache = [
    { k: -1, plane: new Float64Array(w * h) },
    { k: -1, plane: new Float64Array(w * h) },
  ];
  const planeOf = (k: number, keep: number): Float64Array => {
    for (const slot of cache) if (slot.k === k) return slot.plane;
    const slot = cache[0].k === keep ? cache[1] : cache[0]; // never evict the other tap's slice
    if (stored)
      lookupResampleRows(stored, k * nx * ny, nx, rowUsed, iTaps, windowTable(stored, min, max), rows);
    else normalizeResampleRows(v.data, k * nx * ny, nx, rowUsed, iTaps, min, max, rows);
    combineRows(rows, h, jTaps, slot.plane);
    slot.k = k;
    return slot.plane;
  };
  const out = new Float32Array(w * h * d);
  const n = w * h;
  for (let o2 = 0; o2 < d; o2++) {
    if (!tz.inside[o2]) continue; // stays 0
    const lo = planeOf(tz.lo[o2], tz.hi[o2]);
    const hi = planeOf(tz.hi[o2], tz.lo[o2]);
    const a = tz.wLo[o2];
    const b = tz.wHi[o2];
    const base = o2 * n;
    for (let p = 0; p < n; p++) out[base + p] = a * lo[p] + b * hi[p];
  }

  const taps = [t0, t1, tz];
  return {
    data: out,
    shape: [w, h, d],
    spacing: zoomSpacing([v.spacing[1], v.spacing[0], v.spacing[2]], taps),
    affine: processedAffine(v.shape, v.affine, size),
  };
}

/**
 * The voxel-to-world affine of processScan's output for a scan of `shape` and `affine`: rotate90's voxel
 * permutation, then the zoom's per-axis scaling (the geometry alone, for mapping a map back to the scan).
 */
export function processedAffine(
  shape: readonly [number, number, number],
  affine: number[][],
  size: readonly [number, number, number],
): number[][] {
  const [nx, ny, nz] = shape;
  const { di, cj } = rotate90Mapping(nx, ny);
  const rot = [
    [0, 1, 0, di],
    [-1, 0, 0, cj],
    [0, 0, 1, 0],
    [0, 0, 0, 1],
  ];
  return zoomAffine(matmul4(affine, rot), [
    linearTaps(nx, size[0]),
    linearTaps(ny, size[1]),
    linearTaps(nz, size[2]),
  ]);
}

interface RowTaps {
  lo: Int32Array;
  hi: Int32Array;
  wLo: Float64Array;
  wHi: Float64Array;
}

/**
 * For each used input row j of one slice: rows[j * h + o1] = linear resample along i of the
 * normalized input (normalizeValue inlined: clip, scale in float64, round to float32, non-finite -> 0).
 */
function normalizeResampleRows(
  src: Float32Array,
  base: number,
  nx: number,
  rowUsed: Uint8Array,
  t: RowTaps,
  min: number,
  max: number,
  rows: Float64Array,
): void {
  const { lo, hi, wLo, wHi } = t;
  const h = lo.length;
  const range = max - min;
  for (let j = 0; j < rowUsed.length; j++) {
    if (!rowUsed[j]) continue;
    const rb = base + nx * j;
    const ob = j * h;
    for (let o = 0; o < h; o++) {
      const x = src[rb + lo[o]];
      const y = src[rb + hi[o]];
      // Branch-free clip (HU values straddle the window unpredictably); NaN and +Infinity are rare.
      let a = Math.fround((Math.min(Math.max(x, min), max) - min) / range);
      let b = Math.fround((Math.min(Math.max(y, min), max) - min) / range);
      if (!(a >= 0) || x === Infinity) a = 0;
      if (!(b >= 0) || y === Infinity) b = 0;
      rows[ob + o] = wLo[o] * a + wHi[o] * b;
    }
  }
}

/** normalizeValue of every value a stored integer type holds, at [value - lowest]. */
interface WindowTable {
  lowest: number;
  values: Float32Array;
}

let lastTable: (WindowTable & { min: number; max: number; kind: string }) | undefined;

/** The window as a table over the stored type's range (64 Ki entries at most), kept for the next scan. */
function windowTable(stored: StoredVoxels, min: number, max: number): WindowTable {
  const kind = stored.constructor.name;
  if (lastTable?.kind === kind && lastTable.min === min && lastTable.max === max) return lastTable;
  const lowest = kind === 'Int16Array' ? -32768 : kind === 'Int8Array' ? -128 : 0;
  const size = stored.BYTES_PER_ELEMENT === 2 ? 65536 : 256;
  const values = new Float32Array(size);
  for (let n = 0; n < size; n++) values[n] = normalizeValue(n + lowest, min, max);
  lastTable = { lowest, values, min, max, kind };
  return lastTable;
}

/** normalizeResampleRows over stored integers: the window is one table lookup (same float32 values). */
function lookupResampleRows(
  src: StoredVoxels,
  base: number,
  nx: number,
  rowUsed: Uint8Array,
  t: RowTaps,
  table: WindowTable,
  rows: Float64Array,
): void {
  const { lo, hi, wLo, wHi } = t;
  const { lowest, values } = table;
  const h = lo.length;
  for (let j = 0; j < rowUsed.length; j++) {
    if (!rowUsed[j]) continue;
    const rb = base + nx * j;
    const ob = j * h;
    for (let o = 0; o < h; o++) {
      rows[ob + o] = wLo[o] * values[src[rb + lo[o]] - lowest] + wHi[o] * values[src[rb + hi[o]] - lowest];
    }
  }
}

/** plane[o0 + w * o1] = resample along j (rotated axis 0) of the row results. */
function combineRows(rows: Float64Array, h: number, t: RowTaps, plane: Float64Array): void {
  const { lo, hi, wLo, wHi } = t;
  const w = lo.length;
  for (let o0 = 0; o0 < w; o0++) {
    const p = lo[o0] * h;
    const q = hi[o0] * h;
    const a = wLo[o0];
    const b = wHi[o0];
    for (let o1 = 0; o1 < h; o1++) plane[o0 + w * o1] = a * rows[p + o1] + b * rows[q + o1];
  }
}

/** Weights with taps outside [0, len) (or samples outside the zoom range) set to 0, index set to 0. */
function maskTaps(idx: Int32Array, weight: Float64Array, inside: Uint8Array, len: number): Float64Array {
  const out = new Float64Array(weight.length);
  for (let o = 0; o < idx.length; o++) {
    if (inside[o] && idx[o] >= 0 && idx[o] < len) {
      out[o] = weight[o];
    } else {
      idx[o] = 0;
    }
  }
  return out;
}

/** Odd nx - ny needs rotate90's spline interpolation: run the three steps one after another. */
function unfused(v: Volume, size: readonly [number, number, number], window?: HUWindow): Volume {
  return resizeTrilinear(rotate90(normalizeHU(v, window)), size);
}
