import type { Volume } from '@ct3d/core';
import { modelToScan } from '@ct3d/preprocess';
import { invert } from './compose.js';
import { composeStage, sameSteps, seedRecipe } from './recipe.js';
import type { Geometry, TransformEntry } from './types.js';

/** The steps of a preprocessing that move voxels (intensity steps left out), and their transforms. */
function spatialSteps(preprocess: readonly TransformEntry[]) {
  const { transforms } = composeStage({ preprocess: [...preprocess] }, 'preprocess');
  const spatial = transforms.flatMap((t, i) => (!t.random && t.geometry ? [i] : []));
  return { transforms, entries: spatial.map((i) => preprocess[i]) };
}

/**
 * A map over a recipe's preprocessed volume (a heat map on the model's input grid, with that grid's geometry)
 * back onto the scan's grid: the preprocessing's spatial steps undone in reverse, replayed from the scan's
 * geometry. One function for `ct3d explain` and the exported page, so their maps cannot differ. The seed's
 * spatial steps (quarter turn, resize; whatever the window) keep modelToScan: one resampling from world
 * space, what their maps always were.
 */
export function mapToScan(preprocess: readonly TransformEntry[], map: Volume, scan: Geometry): Float32Array {
  const size = map.shape;
  const steps = spatialSteps(preprocess);
  if (sameSteps(steps.entries, spatialSteps(seedRecipe(size).preprocess).entries))
    return modelToScan(map.data, scan.shape, scan.affine, { size });
  return invert(steps.transforms, map, scan).data;
}
