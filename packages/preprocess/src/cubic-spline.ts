import { mirrorIndex } from './zoom-taps.js';

/** The cubic B-spline pole sqrt(3) - 2 (scipy ni_splines.c). */
const POLE = -0.2679491924311227;
const GAIN = (1 - POLE) * (1 - 1 / POLE);
/** Terms of the causal mirror init beyond this many are below 1e-20 of the sum (|z|^36 < 1e-20). */
const INIT_TERMS = 36;

/**
 * scipy's cubic spline prefilter (mode 'mirror', which scipy uses for mode='constant') of one
 * nx-by-ny plane in place: along i, then along j. scipy's rotate prefilters each plane on its own
 * (it loops affine_transform over the slices), so the depth axis is never filtered.
 */
export function splineFilterPlane(
  c: Float64Array,
  nx: number,
  ny: number,
  scratch: Float64Array = new Float64Array(nx),
): void {
  if (nx > 1) {
    for (let j = 0; j < ny; j++) filterRow(c, j * nx, nx);
  }
  if (ny > 1) filterColumns(c, nx, ny, scratch);
}

/** One contiguous line c[base .. base + n): gain, causal pass with the exact mirror init, anticausal pass. */
function filterRow(c: Float64Array, base: number, n: number): void {
  const z = POLE;
  const end = base + n;
  const last = end - 1;
  for (let p = base; p < end; p++) c[p] *= GAIN;
  const zn1 = z ** (n - 1);
  let c0 = c[base] + zn1 * c[last];
  let zi = z;
  const terms = Math.min(n - 2, INIT_TERMS);
  for (let i = 1; i <= terms; i++) {
    c0 += zi * (c[base + i] + zn1 * c[last - i]);
    zi *= z;
  }
  c[base] = c0 / (1 - zn1 * zn1);
  for (let p = base + 1; p < end; p++) c[p] += z * c[p - 1];
  c[last] = ((z * c[last - 1] + c[last]) * z) / (z * z - 1);
  for (let p = last - 1; p >= base; p--) c[p] = z * (c[p + 1] - c[p]);
}

/**
 * The same filter on all nx columns (length ny, stride nx) at once, row by row, so memory access
 * stays sequential. `scratch` holds one init value per column (length >= nx).
 */
function filterColumns(c: Float64Array, nx: number, ny: number, scratch: Float64Array): void {
  const z = POLE;
  const end = nx * ny;
  const last = end - nx;
  for (let p = 0; p < end; p++) c[p] *= GAIN;
  const zn1 = z ** (ny - 1);
  for (let l = 0; l < nx; l++) scratch[l] = c[l] + zn1 * c[last + l];
  let zi = z;
  const terms = Math.min(ny - 2, INIT_TERMS);
  for (let i = 1; i <= terms; i++) {
    const p = i * nx;
    const q = last - i * nx;
    for (let l = 0; l < nx; l++) scratch[l] += zi * (c[p + l] + zn1 * c[q + l]);
    zi *= z;
  }
  const norm = 1 - zn1 * zn1;
  for (let l = 0; l < nx; l++) c[l] = scratch[l] / norm;
  for (let p = nx; p < end; p++) c[p] += z * c[p - nx];
  const k = z / (z * z - 1);
  for (let l = 0; l < nx; l++) c[last + l] = (z * c[last - nx + l] + c[last + l]) * k;
  for (let p = last - 1; p >= 0; p--) c[p] = z * (c[p + nx] - c[p]);
}

/** scipy's cubic interpolation weights for the 4 taps starting at floor(x) - 1. */
export function cubicWeights(x: number, w: Float64Array): void {
  const y = x - Math.floor(x);
  const z = 1 - y;
  w[1] = (y * y * (y - 2) * 3 + 4) / 6;
  w[2] = (z * z * (z - 2) * 3 + 4) / 6;
  w[0] = (z * z * z) / 6;
  w[3] = 1 - w[0] - w[1] - w[2];
}

/** Per-sample cubic taps along one axis: 4 mirrored indices and weights; inside 0 means cval 0. */
export interface CubicTaps {
  idx: Int32Array;
  w: Float64Array;
  inside: Uint8Array;
}

/** Tables for sampling coordinates `coords` along an axis of length `len` (mode 'constant'). */
export function cubicTaps(coords: ArrayLike<number>, len: number): CubicTaps {
  const n = coords.length;
  const t: CubicTaps = { idx: new Int32Array(4 * n), w: new Float64Array(4 * n), inside: new Uint8Array(n) };
  const w = new Float64Array(4);
  for (let o = 0; o < n; o++) {
    const x = coords[o];
    if (x < 0 || x > len - 1) continue;
    t.inside[o] = 1;
    cubicWeights(x, w);
    const s = Math.floor(x) - 1;
    for (let a = 0; a < 4; a++) {
      t.idx[4 * o + a] = mirrorIndex(s + a, len);
      t.w[4 * o + a] = w[a];
    }
  }
  return t;
}
