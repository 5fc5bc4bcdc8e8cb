import { assertVolume, matmul4, type Volume } from '@ct3d/core';
import { cubicTaps, splineFilterPlane } from './cubic-spline.js';

/**
 * Where output voxel (o0, o1, k) of scipy's `ndimage.rotate(v, 90, reshape=False)` (axes (1, 0))
 * reads the input: i = o1 + di, j = cj - o0. Both rotation centres are (n - 1) / 2, so di and cj are
 * integers when nx - ny is even (a pure permutation with zero fill) and half-integers when it is odd.
 */
export function rotate90Mapping(nx: number, ny: number): { di: number; cj: number } {
  return { di: (nx - ny) / 2, cj: (nx + ny - 2) / 2 };
}

/** Seed's `ndimage.rotate(v, 90, reshape=False)`: in-plane 90 degree turn, same shape, zero fill. */
export function rotate90(v: Volume): Volume {
  assertVolume(v, 'rotate90');
  const [nx, ny, nz] = v.shape;
  const { di, cj } = rotate90Mapping(nx, ny);
  const out = Number.isInteger(di)
    ? permute(v.data, nx, ny, nz, di, cj)
    : interpolate(v.data, nx, ny, nz, di, cj);
  // Output voxel (o0, o1, k) shows input voxel (o1 + di, cj - o0, k).
  const p = [
    [0, 1, 0, di],
    [-1, 0, 0, cj],
    [0, 0, 1, 0],
    [0, 0, 0, 1],
  ];
  return {
    data: out,
    shape: [nx, ny, nz],
    spacing: [v.spacing[1], v.spacing[0], v.spacing[2]],
    affine: matmul4(v.affine, p),
  };
}

/** Even nx - ny: every output voxel copies one input voxel (the order-3 spline is exact at grid points). */
function permute(
  src: Float32Array,
  nx: number,
  ny: number,
  nz: number,
  di: number,
  cj: number,
): Float32Array {
  const out = new Float32Array(src.length);
  const i0 = Math.max(0, -di);
  const i1 = Math.min(ny, nx - di); // o1 range whose input i is inside [0, nx)
  for (let k = 0; k < nz; k++) {
    const plane = k * nx * ny;
    for (let o1 = i0; o1 < i1; o1++) {
      const i = o1 + di;
      const dst = plane + nx * o1;
      for (let o0 = 0; o0 < nx; o0++) {
        const j = cj - o0;
        if (j >= 0 && j < ny) out[dst + o0] = src[plane + i + nx * j];
      }
    }
  }
  return out;
}

/**
 * Odd nx - ny: samples fall half-way between voxels, so evaluate scipy's cubic spline per slice
 * (2D prefilter, then the separable 4x4 taps: first along i, then along j).
 */
function interpolate(
  src: Float32Array,
  nx: number,
  ny: number,
  nz: number,
  di: number,
  cj: number,
): Float32Array {
  const out = new Float32Array(src.length);
  const plane = new Float64Array(nx * ny);
  const xs = cubicTaps(
    Array.from({ length: ny }, (_, o1) => o1 + di),
    nx,
  ); // output o1 -> input i
  const ys = cubicTaps(
    Array.from({ length: nx }, (_, o0) => cj - o0),
    ny,
  ); // output o0 -> input j
  const alongI = new Float64Array(ny * ny); // [o1 + ny * j]
  for (let k = 0; k < nz; k++) {
    const base = k * nx * ny;
    for (let n = 0; n < nx * ny; n++) plane[n] = src[base + n];
    splineFilterPlane(plane, nx, ny);
    for (let j = 0; j < ny; j++) {
      const row = j * nx;
      for (let o1 = 0; o1 < ny; o1++) {
        const a = 4 * o1;
        const x = xs.idx;
        alongI[o1 + ny * j] = xs.inside[o1]
          ? xs.w[a] * plane[row + x[a]] +
            xs.w[a + 1] * plane[row + x[a + 1]] +
            xs.w[a + 2] * plane[row + x[a + 2]] +
            xs.w[a + 3] * plane[row + x[a + 3]]
          : 0;
      }
    }
    for (let o0 = 0; o0 < nx; o0++) {
      if (!ys.inside[o0]) continue;
      // Four rows of alongI, read sequentially along o1.
      const b = 4 * o0;
      const r0 = ny * ys.idx[b];
      const r1 = ny * ys.idx[b + 1];
      const r2 = ny * ys.idx[b + 2];
      const r3 = ny * ys.idx[b + 3];
      const [w0, w1, w2, w3] = [ys.w[b], ys.w[b + 1], ys.w[b + 2], ys.w[b + 3]];
      for (let o1 = 0; o1 < ny; o1++) {
        if (!xs.inside[o1]) continue;
        out[base + o0 + nx * o1] =
          w0 * alongI[r0 + o1] + w1 * alongI[r1 + o1] + w2 * alongI[r2 + o1] + w3 * alongI[r3 + o1];
      }
    }
  }
  return out;
}
