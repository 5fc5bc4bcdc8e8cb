import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes a file atomically: the data goes to a temp file beside it, which is then renamed over the target,
 * so a reader (or a kill -9) never sees half a file. The folder must exist (a writer never recreates a
 * folder someone removed). A failure names the path and keeps the original error's `code` (e.g. ENOSPC).
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    const { code, message } = err as { code?: string; message: string };
    throw Object.assign(new Error(`${path}: cannot write (${message})`, { cause: err }), { code });
  }
}
