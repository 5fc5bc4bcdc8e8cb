import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic as writeAtomic } from '@ct3d/io/node';

/** Writes a run-folder file atomically (io's temp + rename), creating the folder; errors name the path. */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  try {
    await writeAtomic(path, data);
  } catch (err) {
    throw new Error(`${path}: cannot write (${(err as Error).message})`);
  }
}
