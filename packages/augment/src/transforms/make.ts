import type { Rng, Volume } from '@ct3d/core';
import type { ParamReader } from './params.js';
import { invertMap, remap, remapGeometry, type VoxelMap } from './remap.js';
import type { AnyTransform, Geometry, RandomTransform, Transform } from './types.js';

/** A registry entry: builds the transform from its recipe entry, validating every parameter. */
export interface TransformDef {
  name: string;
  /** Builds the transform from its recipe entry; every parameter is read (and checked) through `p`. */
  create(p: ParamReader): AnyTransform;
}

/** A deterministic transform from its name, its resolved parameters and a pure function over `Volume`. */
export function deterministic(
  name: string,
  params: Record<string, unknown>,
  apply: (v: Volume) => Volume,
  spatial?: Pick<Transform, 'geometry' | 'inverse'>,
): Transform {
  return { name, params, random: false, apply, ...spatial };
}

/** A lossless voxel-map transform (flip, quarter turn, crop, pad, reorder): exact geometry and inverse. */
export function remapping(
  name: string,
  params: Record<string, unknown>,
  mapFor: (shape: readonly number[], g: Geometry) => VoxelMap,
): Transform {
  return deterministic(name, params, (v) => remap(v, mapFor(v.shape, v)), {
    geometry: (g) => remapGeometry(g, mapFor(g.shape, g)),
    inverse: (v, before) => remap(v, invertMap(mapFor(before.shape, before), before.shape)),
  });
}

/**
 * MONAI's random-transform pattern: with probability `prob` draw the parameters and apply, else return the
 * input. prob 1 draws no coin (the seed's rotation uses the rng's first number for its angle).
 */
export function randomly<D>(
  name: string,
  params: Record<string, unknown>,
  prob: number,
  draw: (rng: Rng, v: Volume) => D,
  apply: (v: Volume, drawn: D) => Volume,
): RandomTransform {
  return {
    name,
    params,
    random: true,
    apply(v, rng) {
      if (prob < 1 && !(rng.next() < prob)) return v;
      return apply(v, draw(rng, v));
    },
  };
}

/** A copy of `v` with new voxel values (same geometry). */
export function withData(v: Volume, data: Float32Array): Volume {
  return { data, shape: [...v.shape], spacing: [...v.spacing], affine: v.affine.map((r) => [...r]) };
}
