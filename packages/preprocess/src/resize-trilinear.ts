import { assertVolume, matmul4, type Volume } from '@ct3d/core';
import { type LinearTaps, linearTaps } from './zoom-taps.js';

/**
 * scipy `ndimage.zoom(v, factors, order=1)` to exactly [w, h, d] voxels: corner-aligned trilinear,
 * computed as three separable float64 passes (i, then j, then k), rounded to float32 once at the end.
 * Spacing and affine are updated so each output voxel keeps its world position.
 */
export function resizeTrilinear(v: Volume, size: readonly [number, number, number]): Volume {
  assertVolume(v, 'resizeTrilinear');
  if (!size.every((n) => Number.isInteger(n) && n > 0)) {
    throw new Error(`resizeTrilinear: invalid target size [${size.join(', ')}]`);
  }
  const [nx, ny, nz] = v.shape;
  const [w, h, d] = size;
  const tx = linearTaps(nx, w);
  const ty = linearTaps(ny, h);
  const tz = linearTaps(nz, d);

  // Pass along i: (nx, ny, nz) -> (w, ny, nz).
  const a = new Float64Array(w * ny * nz);
  for (let row = 0; row < ny * nz; row++) {
    resampleLine(v.data, row * nx, 1, a, row * w, 1, tx);
  }
  // Pass along j: (w, ny, nz) -> (w, h, nz).
  const b = new Float64Array(w * h * nz);
  for (let k = 0; k < nz; k++) {
    resampleRows(a, k * w * ny, b, k * w * h, w, ty);
  }
  // Pass along k: (w, h, nz) -> (w, h, d).
  const out = new Float32Array(w * h * d);
  resampleRows(b, 0, out, 0, w * h, tz);

  return {
    data: out,
    shape: [w, h, d],
    spacing: zoomSpacing(v.spacing, [tx, ty, tz]),
    affine: zoomAffine(v.affine, [tx, ty, tz]),
  };
}

/** One line: dst[o] = wLo * src[lo] + wHi * src[hi] (0 outside), with arbitrary strides. */
function resampleLine(
  src: ArrayLike<number>,
  srcBase: number,
  srcStride: number,
  dst: Float64Array | Float32Array,
  dstBase: number,
  dstStride: number,
  t: LinearTaps,
): void {
  const { lo, hi, wLo, wHi } = t;
  const { inside } = t;
  for (let o = 0; o < lo.length; o++) {
    dst[dstBase + o * dstStride] = inside[o]
      ? wLo[o] * src[srcBase + lo[o] * srcStride] + wHi[o] * src[srcBase + hi[o] * srcStride]
      : 0;
  }
}

/**
 * Resamples along a slow axis whose "rows" are contiguous blocks of `rowLen` values:
 * dst row o = wLo * src row lo + wHi * src row hi. Keeps memory access sequential.
 */
export function resampleRows(
  src: Float64Array,
  srcBase: number,
  dst: Float64Array | Float32Array,
  dstBase: number,
  rowLen: number,
  t: LinearTaps,
): void {
  for (let o = 0; o < t.lo.length; o++) {
    const d0 = dstBase + o * rowLen;
    if (!t.inside[o]) {
      dst.fill(0, d0, d0 + rowLen);
      continue;
    }
    const p = srcBase + t.lo[o] * rowLen;
    const q = srcBase + t.hi[o] * rowLen;
    const a = t.wLo[o];
    const b = t.wHi[o];
    for (let n = 0; n < rowLen; n++) dst[d0 + n] = a * src[p + n] + b * src[q + n];
  }
}

export function zoomSpacing(spacing: readonly number[], taps: LinearTaps[]): [number, number, number] {
  return [spacing[0] * taps[0].step, spacing[1] * taps[1].step, spacing[2] * taps[2].step];
}

/** Output voxel o sits at input voxel o * step (per axis), so world = A_in @ diag(step, 1). */
export function zoomAffine(affine: number[][], taps: LinearTaps[]): number[][] {
  const scale = [
    [taps[0].step, 0, 0, 0],
    [0, taps[1].step, 0, 0],
    [0, 0, taps[2].step, 0],
    [0, 0, 0, 1],
  ];
  return matmul4(affine, scale);
}
