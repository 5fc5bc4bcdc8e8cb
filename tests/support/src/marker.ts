// An asymmetric phantom for orientation tests: a bright cube in one known corner of the patient, placed by
// the scan's affine, and where NiiVue's conventions draw it in each plane (the page's and the dashboard's
// viewers, and the run folder's montage, must all agree with these).
import type { Volume } from '@ct3d/core';

export type Plane = 'axial' | 'coronal' | 'sagittal';
export type Quadrant = 'topLeft' | 'topRight' | 'bottomLeft' | 'bottomRight';
export type QuadrantCounts = Record<Quadrant, number>;

/** The cube's voxels ([lo, hi) per axis) and the world position (mm, RAS+) of its centre. */
export const MARKER = {
  shape: [40, 40, 20],
  lo: [0, 0, 12],
  hi: [8, 8, 20],
  centreMm: [-16.5, -16.5, 5.5],
} as const;

/**
 * -1000 HU with a +1000 HU cube at the lowest i, lowest j and highest k, under an affine whose axes are RAS+
 * (+x is the patient's right): the cube is on the patient's left, posterior and superior.
 */
export function markerScan(): Volume {
  const [nx, ny, nz] = MARKER.shape;
  const data = new Float32Array(nx * ny * nz).fill(-1000);
  const [lo, hi] = [MARKER.lo, MARKER.hi];
  for (let k = lo[2]; k < hi[2]; k++)
    for (let j = lo[1]; j < hi[1]; j++)
      for (let i = lo[0]; i < hi[0]; i++) data[i + nx * (j + ny * k)] = 1000;
  const affine = [
    [1, 0, 0, -20],
    [0, 1, 0, -20],
    [0, 0, 1, -10],
    [0, 0, 0, 1],
  ];
  return { data, shape: [nx, ny, nz], spacing: [1, 1, 1], affine };
}

/**
 * Where NiiVue draws the cube (left, posterior, superior) in `plane`: anterior up in axial, superior up in
 * coronal and sagittal; the patient's left on the screen's left in the neurological convention (NiiVue's
 * default) and on its right in the radiological one; sagittal keeps the nose right (sagittalNoseLeft off).
 */
export function markerQuadrant(plane: Plane, radiological: boolean): Quadrant {
  if (plane === 'sagittal') return 'topLeft'; // posterior = left, superior = top
  const vertical = plane === 'axial' ? 'bottom' : 'top'; // posterior is down in axial, superior up
  return `${vertical}${radiological ? 'Right' : 'Left'}`;
}

/**
 * Bright pixels (all channels > 200) per quadrant of the `box` of an RGBA image `width` pixels wide: where
 * a viewer or a montage drew the marker.
 */
export function brightQuadrants(
  rgba: Uint8Array | Uint8ClampedArray,
  width: number,
  box: { x: number; y: number; w: number; h: number },
): QuadrantCounts {
  const counts: QuadrantCounts = { topLeft: 0, topRight: 0, bottomLeft: 0, bottomRight: 0 };
  for (let y = box.y; y < box.y + box.h; y++)
    for (let x = box.x; x < box.x + box.w; x++) {
      const o = 4 * (y * width + x);
      if (rgba[o] <= 200 || rgba[o + 1] <= 200 || rgba[o + 2] <= 200) continue;
      const top = y - box.y < box.h / 2;
      const left = x - box.x < box.w / 2;
      counts[`${top ? 'top' : 'bottom'}${left ? 'Left' : 'Right'}`]++;
    }
  return counts;
}
