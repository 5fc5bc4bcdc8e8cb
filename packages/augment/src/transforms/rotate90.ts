import { invertAffine, matmul4, type Volume } from '@ct3d/core';
import { rotate90 as rotate90KeepSize } from '@ct3d/preprocess';
import { deterministic, remapping, type TransformDef } from './make.js';
import type { VoxelMap } from './remap.js';
import { resampleLinear } from './resample.js';
import type { Geometry } from './types.js';

/**
 * numpy's `rot90(v, k, axes=(a, b))` as a voxel map: a quarter turn takes output (o_a, o_b) from input
 * (o_b, n_b - 1 - o_a) and swaps the two sizes. Lossless, with an exact inverse.
 */
export function rot90Map(shape: readonly number[], k: number, axes: readonly number[]): VoxelMap {
  const map: VoxelMap = {
    shape: [shape[0], shape[1], shape[2]],
    from: [0, 1, 2],
    step: [1, 1, 1],
    start: [0, 0, 0],
  };
  const [a, b] = axes;
  for (let turn = 0; turn < ((k % 4) + 4) % 4; turn++) {
    // Compose one more quarter turn after the current map: new output (o_a, o_b) = current (o_b, n_b - 1 - o_a).
    const nb = map.shape[b];
    const next: VoxelMap = {
      shape: [...map.shape],
      from: [...map.from],
      step: [...map.step],
      start: [...map.start],
    };
    next.shape[a] = map.shape[b];
    next.shape[b] = map.shape[a];
    next.from[a] = map.from[b];
    next.step[a] = -map.step[b];
    next.start[a] = map.start[b] + map.step[b] * (nb - 1);
    next.from[b] = map.from[a];
    next.step[b] = map.step[a];
    next.start[b] = map.start[a];
    Object.assign(map, next);
  }
  return map;
}

/** The seed's turn: output (o0, o1) shows input (o1 + di, cj - o0); half-voxel shifts when nx - ny is odd. */
function keepSizeTurn(shape: readonly number[]): number[][] {
  const [nx, ny] = shape;
  return [
    [0, 1, 0, (nx - ny) / 2],
    [-1, 0, 0, (nx + ny - 2) / 2],
    [0, 0, 1, 0],
    [0, 0, 0, 1],
  ];
}

function keepSizeGeometry(g: Geometry): Geometry {
  return {
    shape: [...g.shape],
    spacing: [g.spacing[1], g.spacing[0], g.spacing[2]],
    affine: matmul4(g.affine, keepSizeTurn(g.shape)),
  };
}

/**
 * The turn back onto the input's grid (trilinear, zero where the turn cut): exact on the voxels it kept when
 * nx - ny is even (a permutation), interpolated at half voxels when it is odd.
 */
function keepSizeInverse(v: Volume, before: Geometry): Volume {
  const back = invertAffine(keepSizeTurn(before.shape));
  const t = {
    matrix: back.slice(0, 3).map((row) => row.slice(0, 3)),
    offset: back.slice(0, 3).map((row) => row[3]),
  };
  return resampleLinear(v, t, before.shape);
}

/**
 * MONAI Rotate90(k, spatial_axes): numpy rot90. `keep_size: true` is the seed's scipy
 * `ndimage.rotate(v, 90, reshape=False)` instead (same shape, zero fill; k 1 in the (0, 1) plane only), whose
 * inverse turns back within the same shape.
 */
export const Rotate90: TransformDef = {
  name: 'Rotate90',
  create(p) {
    const k = p.int('k', 1);
    const axes = p.axes('spatial_axes', [0, 1], 2);
    const keepSize = p.bool('keep_size', false);
    if (keepSize && (((k % 4) + 4) % 4 !== 1 || axes[0] !== 0 || axes[1] !== 1))
      p.fail('keep_size', 'true needs k 1 and spatial_axes [0, 1] (the seed rotation)');
    const params = p.done();
    if (keepSize)
      return deterministic('Rotate90', params, rotate90KeepSize, {
        geometry: keepSizeGeometry,
        inverse: keepSizeInverse,
      });
    return remapping('Rotate90', params, (shape) => rot90Map(shape, k, axes));
  },
};
