// A map over the model's input (a heat map) back in the scan's own space: each scan voxel reads the map,
// trilinearly, where the preprocessing put it. The preprocessing is the seed's steps (HU window, rotate90,
// resize: only the last two move voxels); a recipe with other spatial steps replaces `modelAffine` below.
import { invertAffine, matmul4 } from '@ct3d/core';
import { processedAffine } from './process-scan.js';

/** The preprocessing whose inverse is taken: the seed's steps at the model's input size. */
export interface SeedSteps {
  size: readonly [number, number, number];
}

/**
 * `heat` (the model input's shape `steps.size`, i fastest) resampled onto the scan's voxel grid (`scanShape`,
 * `scanAffine`): the same shape and affine as the scan. Scan voxels the model never saw (outside the field
 * that rotate90 keeps) get 0.
 */
export function modelToScan(
  heat: Float32Array,
  scanShape: readonly [number, number, number],
  scanAffine: number[][],
  steps: SeedSteps,
): Float32Array {
  const [w, h, d] = steps.size;
  if (heat.length !== w * h * d)
    throw new Error(`modelToScan: the map has ${heat.length} values, not ${w}x${h}x${d}`);
  // scan voxel -> world -> model voxel
  const m = matmul4(invertAffine(processedAffine(scanShape, scanAffine, steps.size)), scanAffine);
  const [nx, ny, nz] = scanShape;
  const out = new Float32Array(nx * ny * nz);
  const dims = [w, h, d];
  const at = (x: number, y: number, z: number) => heat[x + w * (y + h * z)];
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const p = [0, 1, 2].map((r) => m[r][0] * i + m[r][1] * j + m[r][2] * k + m[r][3]);
        // Half a voxel past the edge still reads the edge; further out the model saw nothing.
        if (p.some((x, a) => x < -0.5 || x > dims[a] - 0.5)) continue;
        const c = p.map((x, a) => Math.min(Math.max(x, 0), dims[a] - 1));
        const lo = c.map(Math.floor);
        const hi = lo.map((x, a) => Math.min(x + 1, dims[a] - 1));
        const [fx, fy, fz] = c.map((x, a) => x - lo[a]);
        const lerp = (a: number, b: number, f: number) => a + (b - a) * f;
        const plane = (z: number) =>
          lerp(
            lerp(at(lo[0], lo[1], z), at(hi[0], lo[1], z), fx),
            lerp(at(lo[0], hi[1], z), at(hi[0], hi[1], z), fx),
            fy,
          );
        out[i + nx * (j + ny * k)] = lerp(plane(lo[2]), plane(hi[2]), fz);
      }
    }
  }
  return out;
}
