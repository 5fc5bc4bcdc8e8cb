import { deterministic, type TransformDef } from './make.js';
import { resampleLinear, type VoxelAffine } from './resample.js';
import type { Geometry } from './types.js';

/**
 * Resampling to voxel size `pixdim` (mm) keeping the first voxel's centre: output o samples input
 * o * pixdim / spacing, and the shape is round((n - 1) * spacing / pixdim) + 1 (the same extent).
 */
export function spacingPlan(
  g: Geometry,
  pixdim: readonly number[],
): { t: VoxelAffine; shape: [number, number, number] } {
  const ratio = [0, 1, 2].map((a) => pixdim[a] / g.spacing[a]);
  const shape = [0, 1, 2].map((a) => Math.round((g.shape[a] - 1) / ratio[a]) + 1) as [number, number, number];
  const matrix = [0, 1, 2].map((r) => [0, 1, 2].map((c) => (r === c ? ratio[r] : 0)));
  return { t: { matrix, offset: [0, 0, 0] }, shape };
}

/** MONAI Spacing(pixdim, mode bilinear): trilinear resampling to a voxel size in mm (scipy affine_transform order 1). */
export const Spacing: TransformDef = {
  name: 'Spacing',
  create(p) {
    const pixdim = p.numbers('pixdim', undefined, 3);
    if (!pixdim.every((x) => x > 0)) p.fail('pixdim', 'must be 3 positive sizes in mm');
    p.oneOf('mode', ['bilinear'], 'bilinear');
    const forward = (v: Parameters<typeof resampleLinear>[0]) => {
      const { t, shape } = spacingPlan(v, pixdim);
      return resampleLinear(v, t, shape);
    };
    return deterministic('Spacing', p.done(), forward, {
      geometry: (g) => {
        const { shape } = spacingPlan(g, pixdim);
        const scale = pixdim.map((x, a) => x / g.spacing[a]);
        const affine = g.affine.map((row) => row.map((x, c) => (c < 3 ? x * scale[c] : x)));
        return { shape, spacing: [...pixdim] as [number, number, number], affine };
      },
      // Back onto the input grid: input voxel i sits at output voxel i * spacing / pixdim.
      inverse: (v, before) => {
        const back = [0, 1, 2].map((a) => before.spacing[a] / pixdim[a]);
        const matrix = [0, 1, 2].map((r) => [0, 1, 2].map((c) => (r === c ? back[r] : 0)));
        return resampleLinear(v, { matrix, offset: [0, 0, 0] }, before.shape);
      },
    });
  },
};
