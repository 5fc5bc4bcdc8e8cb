import type { Rng, Volume } from '@ct3d/core';

/** One recipe entry as JSON: the transform's registry name and its parameters (MONAI's names). */
export interface TransformEntry {
  name: string;
  [param: string]: unknown;
}

/** Shape, spacing and affine of a volume: what a spatial transform's inverse needs of its input. */
export type Geometry = Omit<Volume, 'data'>;

interface Described {
  readonly name: string;
  /** The parameters as plain data, defaults filled in: `{ name, ...params }` recreates the transform. */
  readonly params: Readonly<Record<string, unknown>>;
}

/** A deterministic transform: same volume in, same volume out. */
export interface Transform extends Described {
  readonly random: false;
  /** The transformed volume (a new one; `v` is not changed). */
  apply(v: Volume): Volume;
  /** Spatial transforms: the output geometry for an input geometry (no voxels touched). */
  geometry?(g: Geometry): Geometry;
  /** Spatial transforms: maps an output back onto the grid of the input whose geometry is `before`. */
  inverse?(v: Volume, before: Geometry): Volume;
}

/** A random transform: every random number comes from the explicit `rng`, so seeded runs repeat exactly. */
export interface RandomTransform extends Described {
  readonly random: true;
  /** The transformed volume, every random draw taken from `rng` (a new volume; `v` is not changed). */
  apply(v: Volume, rng: Rng): Volume;
}

/** A deterministic or a random transform (tell them apart by `random`). */
export type AnyTransform = Transform | RandomTransform;
