import { assertVolume, matmul4, type Volume } from '@ct3d/core';
import type { Geometry } from './types.js';

/**
 * A voxel map with integer steps (flips, quarter turns, crops, pads, axis reorders): output axis a reads input
 * axis `from[a]` at index `start[a] + step[a] * o` (step is 1 or -1); indices outside the input read 0.
 */
export interface VoxelMap {
  shape: [number, number, number];
  from: [number, number, number];
  step: [number, number, number];
  start: [number, number, number];
}

/** The 4x4 voxel map (output voxel -> input voxel) as a matrix, to carry the affine. */
function mapMatrix(m: VoxelMap): number[][] {
  const t = [
    [0, 0, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 0, 1],
  ];
  for (let a = 0; a < 3; a++) {
    t[m.from[a]][a] = m.step[a];
    t[m.from[a]][3] = m.start[a];
  }
  return t;
}

export function remapGeometry(g: Geometry, m: VoxelMap): Geometry {
  return {
    shape: [...m.shape],
    spacing: [g.spacing[m.from[0]], g.spacing[m.from[1]], g.spacing[m.from[2]]],
    affine: matmul4(g.affine, mapMatrix(m)),
  };
}

/** Copies voxels along the map; every output voxel is exactly one input voxel or 0 (lossless). */
export function remap(v: Volume, m: VoxelMap): Volume {
  assertVolume(v, 'remap');
  const strides = [1, v.shape[0], v.shape[0] * v.shape[1]];
  // Per output axis: the input offset of each output index, or -1 outside the input.
  const offsets = [0, 1, 2].map((a) => {
    const n = v.shape[m.from[a]];
    const table = new Int32Array(m.shape[a]);
    for (let o = 0; o < m.shape[a]; o++) {
      const i = m.start[a] + m.step[a] * o;
      table[o] = i >= 0 && i < n ? i * strides[m.from[a]] : -1;
    }
    return table;
  });
  const [w, h, d] = m.shape;
  const [t0, t1, t2] = offsets;
  const out = new Float32Array(w * h * d);
  const src = v.data;
  let p = 0;
  for (let o2 = 0; o2 < d; o2++) {
    const b2 = t2[o2];
    for (let o1 = 0; o1 < h; o1++) {
      const b1 = t1[o1];
      if (b2 < 0 || b1 < 0) {
        p += w;
        continue;
      }
      const base = b1 + b2;
      for (let o0 = 0; o0 < w; o0++, p++) {
        const b0 = t0[o0];
        if (b0 >= 0) out[p] = src[base + b0];
      }
    }
  }
  return { data: out, ...remapGeometry(v, m) };
}

/** The map back: input axis `from[a]` reads output axis a; `inputShape` is the shape the forward map read. */
export function invertMap(m: VoxelMap, inputShape: readonly number[]): VoxelMap {
  const inv: VoxelMap = {
    shape: [...inputShape] as VoxelMap['shape'],
    from: [0, 0, 0],
    step: [1, 1, 1],
    start: [0, 0, 0],
  };
  for (let a = 0; a < 3; a++) {
    const s = m.from[a];
    inv.from[s] = a;
    inv.step[s] = m.step[a];
    inv.start[s] = -m.start[a] * m.step[a];
  }
  return inv;
}

/** Output = input cut (or zero-padded) to `shape` from `start` along each axis. */
export function cropMap(start: readonly number[], shape: readonly number[]): VoxelMap {
  return {
    shape: [shape[0], shape[1], shape[2]],
    from: [0, 1, 2],
    step: [1, 1, 1],
    start: [start[0], start[1], start[2]],
  };
}
