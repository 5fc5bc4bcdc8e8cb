/** A 3D scalar volume in NIfTI voxel order: index = i + nx * (j + ny * k) (first index fastest). */
export interface Volume {
  data: Float32Array;
  /** `[nx, ny, nz]`: the seed's (width, height, depth). */
  shape: [number, number, number];
  /** Voxel size in mm along i, j, k. */
  spacing: [number, number, number];
  /** 4x4 voxel-to-world (RAS mm) matrix, row-major rows. */
  affine: number[][];
}

/** The voxel-to-world affine of an axis-aligned volume with this voxel size, origin at voxel 0. */
export function identityAffine(spacing: [number, number, number] = [1, 1, 1]): number[][] {
  return [
    [spacing[0], 0, 0, 0],
    [0, spacing[1], 0, 0],
    [0, 0, spacing[2], 0],
    [0, 0, 0, 1],
  ];
}

/** The number of voxels of a shape (the product of its sides). */
export function voxelCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
