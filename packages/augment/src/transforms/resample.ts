import { assertVolume, matmul4, type Volume } from '@ct3d/core';
import { mirrorIndex } from '@ct3d/preprocess/internal';

/** input voxel = matrix @ output voxel + offset (a 3x3 matrix and its offset). */
export interface VoxelAffine {
  matrix: number[][];
  offset: number[];
}

/** The 4x4 form of a voxel affine, to compose with a volume's affine. */
export function affine4(t: VoxelAffine): number[][] {
  return [...t.matrix.map((row, r) => [...row, t.offset[r]]), [0, 0, 0, 1]];
}

/** Voxel sizes of an affine: the lengths of its first three columns. */
export function spacingOf(affine: number[][]): [number, number, number] {
  return [0, 1, 2].map((c) => Math.hypot(affine[0][c], affine[1][c], affine[2][c])) as [
    number,
    number,
    number,
  ];
}

/**
 * scipy `ndimage.affine_transform(v, matrix, offset, output_shape, order=1, mode='constant', cval=0)`:
 * trilinear samples at matrix @ o + offset, 0 outside [0, n - 1] on any axis (no interpolation past the edge),
 * summed in float64 and rounded to float32. The affine follows, so each voxel keeps its world position.
 */
export function resampleLinear(v: Volume, t: VoxelAffine, shape: readonly [number, number, number]): Volume {
  assertVolume(v, 'resampleLinear');
  const [nx, ny, nz] = v.shape;
  const [w, h, d] = shape;
  const m = t.matrix;
  const src = v.data;
  const out = new Float32Array(w * h * d);
  const sx = 1;
  const sy = nx;
  const sz = nx * ny;
  let p = 0;
  for (let o2 = 0; o2 < d; o2++) {
    for (let o1 = 0; o1 < h; o1++) {
      // The part of each coordinate that does not change along a row.
      const bx = m[0][1] * o1 + m[0][2] * o2 + t.offset[0];
      const by = m[1][1] * o1 + m[1][2] * o2 + t.offset[1];
      const bz = m[2][1] * o1 + m[2][2] * o2 + t.offset[2];
      for (let o0 = 0; o0 < w; o0++, p++) {
        const x = m[0][0] * o0 + bx;
        const y = m[1][0] * o0 + by;
        const z = m[2][0] * o0 + bz;
        if (!(x >= 0 && x <= nx - 1 && y >= 0 && y <= ny - 1 && z >= 0 && z <= nz - 1)) continue;
        const x0 = Math.floor(x);
        const y0 = Math.floor(y);
        const z0 = Math.floor(z);
        const fx = x - x0;
        const fy = y - y0;
        const fz = z - z0;
        const i0 = x0 * sx;
        const i1 = mirrorIndex(x0 + 1, nx) * sx;
        const j0 = y0 * sy;
        const j1 = mirrorIndex(y0 + 1, ny) * sy;
        const k0 = z0 * sz;
        const k1 = mirrorIndex(z0 + 1, nz) * sz;
        const c00 = (1 - fx) * src[i0 + j0 + k0] + fx * src[i1 + j0 + k0];
        const c10 = (1 - fx) * src[i0 + j1 + k0] + fx * src[i1 + j1 + k0];
        const c01 = (1 - fx) * src[i0 + j0 + k1] + fx * src[i1 + j0 + k1];
        const c11 = (1 - fx) * src[i0 + j1 + k1] + fx * src[i1 + j1 + k1];
        out[p] = (1 - fz) * ((1 - fy) * c00 + fy * c10) + fz * ((1 - fy) * c01 + fy * c11);
      }
    }
  }
  const affine = matmul4(v.affine, affine4(t));
  return { data: out, shape: [w, h, d], spacing: spacingOf(affine), affine };
}

/** Rotation (degrees about axes 0, 1, 2; MONAI's order Rx @ Ry @ Rz) times per-axis scale. */
export function rotateScale(degrees: readonly number[], scale: readonly number[]): number[][] {
  const [a, b, c] = degrees.map((d) => (d * Math.PI) / 180);
  const rx = [
    [1, 0, 0],
    [0, Math.cos(a), -Math.sin(a)],
    [0, Math.sin(a), Math.cos(a)],
  ];
  const ry = [
    [Math.cos(b), 0, Math.sin(b)],
    [0, 1, 0],
    [-Math.sin(b), 0, Math.cos(b)],
  ];
  const rz = [
    [Math.cos(c), -Math.sin(c), 0],
    [Math.sin(c), Math.cos(c), 0],
    [0, 0, 1],
  ];
  const mul = (p: number[][], q: number[][]) =>
    p.map((row) => [0, 1, 2].map((j) => row.reduce((s, x, k) => s + x * q[k][j], 0)));
  return mul(
    mul(mul(rx, ry), rz),
    [0, 1, 2].map((r) => [0, 1, 2].map((j) => (r === j ? scale[r] : 0))),
  );
}

/** A voxel affine about the volume's centre: input = M @ (o - centre) + centre + translate. */
export function aboutCentre(
  shape: readonly number[],
  matrix: number[][],
  translate: readonly number[] = [0, 0, 0],
): VoxelAffine {
  const c = shape.map((n) => (n - 1) / 2);
  const offset = [0, 1, 2].map(
    (r) => c[r] + translate[r] - (matrix[r][0] * c[0] + matrix[r][1] * c[1] + matrix[r][2] * c[2]),
  );
  return { matrix, offset };
}
