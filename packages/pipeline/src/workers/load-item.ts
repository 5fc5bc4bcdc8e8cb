import { type Composed, composeStage, seedRecipe, type TransformEntry } from '@ct3d/augment';
import { createRng, toChannelsLast } from '@ct3d/core';
import { readNifti } from '@ct3d/io/node';
import { move } from 'piscina';
import type { LoadItemTask } from '../tasks.js';

/** Thin worker wrapper: read the cached volume, augment it (seeded) if asked, transpose, transfer the buffer. */
export async function loadItem(task: LoadItemTask): Promise<Float32Array> {
  const volume = await readNifti(task.file);
  const ready = task.augment ? augmentation(task.transforms).apply(volume, createRng(task.seed)) : volume;
  return move(toChannelsLast(ready)) as Float32Array;
}

let composed: { key: string; stage: Composed } | undefined;

/** The recipe's composed augmentation, built once per worker (a run sends the same steps with every item). */
function augmentation(steps: TransformEntry[] | undefined): Composed {
  const key = JSON.stringify(steps ?? null);
  if (composed?.key !== key) {
    composed = { key, stage: composeStage(steps ? { augment: steps } : seedRecipe(), 'augment') };
  }
  return composed.stage;
}
