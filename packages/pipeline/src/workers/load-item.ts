import { readNifti } from '@ct3d/io/node';
import { move } from 'piscina';
import { prepareItem } from '../prepare-item.js';
import type { LoadItemTask } from '../tasks.js';

/** Thin worker wrapper: read the cached volume, augment it (seeded) if asked, transpose, transfer the buffer. */
export async function loadItem(task: LoadItemTask): Promise<Float32Array> {
  return move(prepareItem(await readNifti(task.file), task)) as Float32Array;
}
