import type { Volume } from '@ct3d/core';
import { randomly, type TransformDef } from './make.js';
import { aboutCentre, resampleLinear } from './resample.js';

/** Zoom by `factor` about the centre, keeping the shape (> 1 magnifies; cropped or zero-padded to size). */
export function zoomKeepSize(v: Volume, factor: number): Volume {
  const m = [0, 1, 2].map((r) => [0, 1, 2].map((c) => (r === c ? 1 / factor : 0)));
  return resampleLinear(v, aboutCentre(v.shape, m), v.shape);
}

/** MONAI RandZoom(prob 0.1, min_zoom 0.9, max_zoom 1.1, keep_size true), trilinear, one factor for all axes. */
export const RandZoom: TransformDef = {
  name: 'RandZoom',
  create(p) {
    const prob = p.prob();
    const lo = p.number('min_zoom', 0.9, { above: 0 });
    const hi = p.number('max_zoom', 1.1, { min: lo });
    if (!p.bool('keep_size', true)) p.fail('keep_size', 'false is not supported (batches need one shape)');
    return randomly('RandZoom', p.done(), prob, (rng) => rng.uniform(lo, hi), zoomKeepSize);
  },
};
