import { resizeTrilinear } from '@ct3d/preprocess';
import { deterministic, type TransformDef } from './make.js';

/**
 * Resize to `spatial_size` with the seed's scipy `ndimage.zoom(order=1)` (corner-aligned trilinear; MONAI's
 * Resize uses torch's grid instead). A recipe may leave spatial_size out: ingest fills in its --size.
 * The inverse resizes back to the input's shape (lossy: interpolated twice).
 */
export const Resize: TransformDef = {
  name: 'Resize',
  create(p) {
    const size = p.size3('spatial_size');
    p.oneOf('mode', ['trilinear'], 'trilinear');
    return deterministic('Resize', p.done(), (v) => resizeTrilinear(v, size), {
      geometry: (g) => {
        const step = size.map((m, a) => (m > 1 ? (g.shape[a] - 1) / (m - 1) : 1));
        const affine = g.affine.map((row) => row.map((x, c) => (c < 3 ? x * step[c] : x)));
        return {
          shape: [...size],
          spacing: [0, 1, 2].map((a) => g.spacing[a] * step[a]) as [number, number, number],
          affine,
        };
      },
      inverse: (v, before) => resizeTrilinear(v, before.shape),
    });
  },
};
