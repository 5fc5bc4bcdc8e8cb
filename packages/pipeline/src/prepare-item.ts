// One training item from its preprocessed volume, browser-safe: the recipe's augmentation (seeded) when asked,
// then channels-last. The pool's workers run it on cache files, a browser tab on volumes it holds.
import { type Composed, composeStage, seedRecipe, type TransformEntry } from '@ct3d/augment';
import { createRng, toChannelsLast, type Volume } from '@ct3d/core';
import { decodeNifti, encodeNifti } from '@ct3d/io';

let composed: { key: string; stage: Composed } | undefined;

/** The recipe's composed augmentation, built once (a run sends the same steps with every item). */
function augmentation(steps: TransformEntry[] | undefined): Composed {
  const key = JSON.stringify(steps ?? null);
  if (composed?.key !== key) {
    composed = { key, stage: composeStage(steps ? { augment: steps } : seedRecipe(), 'augment') };
  }
  return composed.stage;
}

/** The item's voxels channels-last, augmented by createRng(seed) with `transforms` (default the seed's) if asked. */
export function prepareItem(
  volume: Volume,
  task: { augment: boolean; transforms?: TransformEntry[]; seed: number },
): Float32Array {
  const ready = task.augment ? augmentation(task.transforms).apply(volume, createRng(task.seed)) : volume;
  return toChannelsLast(ready);
}

/**
 * A preprocessed scan as training reads it back from an ingest cache: through the cache file's float32
 * NIfTI encoding (its header's float32 affine included), so a tab that keeps volumes in memory trains on
 * exactly what `ct3d train` reads. Returns the volume and the cache file's bytes.
 */
export function cachedVolume(volume: Volume, name: string): { volume: Volume; bytes: Uint8Array } {
  const bytes = encodeNifti(volume, { datatype: 'float32' }, name);
  return { volume: decodeNifti(bytes, { name }), bytes };
}
