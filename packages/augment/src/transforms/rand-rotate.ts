import type { Rng, Volume } from '@ct3d/core';
import { rotateInPlane } from '../rotate-in-plane.js';
import { randomly, type TransformDef } from './make.js';
import { invertMap, remap, type VoxelMap } from './remap.js';

/** The rotation RandRotate drew for one call. */
export interface PlaneRotation {
  degrees: number;
  /** The rotation plane: scipy `rotate(v, degrees, axes=(b, a), reshape=False)`. */
  axes: readonly [number, number];
  order: 1 | 3;
  /** Clip to [0, 1] afterwards (the seed's rotate_aug). */
  clip: boolean;
}

/** scipy `ndimage.rotate` in any axis plane, via augment's in-plane spline code on a transposed copy. */
export function rotatePlane(v: Volume, r: PlaneRotation): Volume {
  const [a, b] = r.axes;
  const opts = { order: r.order, clip: r.clip };
  if (a === 0 && b === 1) return rotateInPlane(v, r.degrees, opts);
  const c = 3 - a - b;
  const from: VoxelMap['from'] = [a, b, c];
  const toPlane: VoxelMap = {
    shape: [v.shape[a], v.shape[b], v.shape[c]],
    from,
    step: [1, 1, 1],
    start: [0, 0, 0],
  };
  const rotated = rotateInPlane(remap(v, toPlane), r.degrees, opts);
  return remap(rotated, invertMap(toPlane, v.shape));
}

/**
 * MONAI RandRotate with the seed's choices: an angle in degrees drawn uniformly from `range` ([lo, hi], or x for
 * [-x, x]) or picked from `angles`, in the plane `spatial_axes`, spline order 1 or 3, zero fill, same shape.
 */
export const RandRotate: TransformDef = {
  name: 'RandRotate',
  create(p) {
    const prob = p.prob();
    const choices = p.has('angles') ? p.numbers('angles') : undefined;
    const range = choices ? undefined : p.range('range', [-10, 10]);
    const axes = p.axes('spatial_axes', [0, 1], 2) as [number, number];
    const order = p.oneOf('order', [1, 3], 3);
    const clip = p.bool('clip', false);
    const draw = (rng: Rng) => (choices ? rng.pick(choices) : rng.uniform(...(range as [number, number])));
    return randomly('RandRotate', p.done(), prob, draw, (v, degrees) =>
      rotatePlane(v, { degrees, axes, order, clip }),
    );
  },
};
