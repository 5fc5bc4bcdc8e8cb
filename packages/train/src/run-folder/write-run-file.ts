import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '@ct3d/core/node';

/** Writes a run-folder file atomically, creating the run folder first (a run's first file makes it). */
export async function writeRunFile(path: string, data: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, data);
}
