import type { Rng, Volume } from '@ct3d/core';
import { randomly, type TransformDef } from './make.js';
import { aboutCentre, resampleLinear, rotateScale } from './resample.js';

/** The parameters RandAffine drew for one call. */
export interface AffineParams {
  /** Degrees about axes 0, 1, 2. */
  rotate: number[];
  /** Input step per output step along each axis (MONAI: > 1 shrinks the content). */
  scale: number[];
  /** Voxels. */
  translate: number[];
}

/** Rotation, scale and translation about the centre in one trilinear resampling (same shape, zero fill). */
export function affineTransform(v: Volume, a: AffineParams): Volume {
  return resampleLinear(v, aboutCentre(v.shape, rotateScale(a.rotate, a.scale), a.translate), v.shape);
}

/**
 * MONAI RandAffine(prob 0.1, rotate_range, scale_range, translate_range), bilinear, zero padding. Angles are
 * in degrees (the seed's unit, not MONAI's radians); scale = 1 + U(-s, s); translation in voxels. Draws all
 * nine numbers in the order rotate, scale, translate (axes 0, 1, 2 each).
 */
export const RandAffine: TransformDef = {
  name: 'RandAffine',
  create(p) {
    const prob = p.prob();
    const rot = p.numbers('rotate_range', [0, 0, 0], 3);
    const scale = p.numbers('scale_range', [0, 0, 0], 3);
    const shift = p.numbers('translate_range', [0, 0, 0], 3);
    p.oneOf('mode', ['bilinear'], 'bilinear');
    p.oneOf('padding_mode', ['zeros'], 'zeros');
    const sym = (rng: Rng, r: number) => rng.uniform(-Math.abs(r), Math.abs(r));
    const draw = (rng: Rng): AffineParams => ({
      rotate: rot.map((r) => sym(rng, r)),
      scale: scale.map((s) => 1 + sym(rng, s)),
      translate: shift.map((t) => sym(rng, t)),
    });
    return randomly('RandAffine', p.done(), prob, draw, affineTransform);
  },
};
