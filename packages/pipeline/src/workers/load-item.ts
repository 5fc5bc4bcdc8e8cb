import { randomRotation } from '@ct3d/augment';
import { createRng, toChannelsLast } from '@ct3d/core';
import { readNifti } from '@ct3d/io/node';
import { move } from 'piscina';
import type { LoadItemTask } from '../tasks.js';

/** Thin worker wrapper: read the cached volume, rotate it (seeded) if asked, transpose, transfer the buffer. */
export async function loadItem(task: LoadItemTask): Promise<Float32Array> {
  const volume = await readNifti(task.file);
  const ready = task.augment ? randomRotation(volume, createRng(task.seed)) : volume;
  return move(toChannelsLast(ready)) as Float32Array;
}
