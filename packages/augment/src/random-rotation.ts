import type { Rng, Volume } from '@ct3d/core';
import { type RotateOptions, rotateInPlane } from './rotate-in-plane.js';

/** The seed's augmentation angles (degrees): `random.choice([-20, -10, -5, 5, 10, 20])`. */
export const ROTATION_ANGLES: readonly number[] = Object.freeze([-20, -10, -5, 5, 10, 20]);

/** The part of @ct3d/io's `Rng` this package needs (e.g. `createRng(seed)`). */
export type PickRng = Pick<Rng, 'pick'>;

/** The seed's `random_rotate`: rotate by an angle drawn from ROTATION_ANGLES, cubic by default. */
export function randomRotation(v: Volume, rng: PickRng, opts: RotateOptions = {}): Volume {
  return rotateInPlane(v, rng.pick(ROTATION_ANGLES), opts);
}
