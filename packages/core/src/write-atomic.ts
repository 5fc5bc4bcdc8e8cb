import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Bytes a file name may have (Linux, macOS, Windows: 255 per path component). */
export const MAX_NAME_BYTES = 255;

/** The longest start of `text` whose UTF-8 form fits `maxBytes` (whole code points only). */
export function fitUtf8(text: string, maxBytes: number): string {
  let bytes = 0;
  let out = '';
  for (const ch of text) {
    bytes += Buffer.byteLength(ch);
    if (bytes > maxBytes) break;
    out += ch;
  }
  return out;
}

/**
 * The temp file beside `path`: `.<name>.<pid>.<8 hex>.tmp`, the name cut so the whole fits MAX_NAME_BYTES
 * (a target with a 250-byte name is still written).
 */
function tempPath(path: string): string {
  const tail = `.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const name = fitUtf8(basename(path), MAX_NAME_BYTES - 1 - Buffer.byteLength(tail));
  return join(dirname(path), `.${name}${tail}`);
}

/**
 * Writes a file atomically: the data goes to a temp file beside it, which is then renamed over the target,
 * so a reader (or a kill -9) never sees half a file. The folder must exist (a writer never recreates a
 * folder someone removed). A failure names the path and keeps the original error's `code` (e.g. ENOSPC).
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = tempPath(path);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    const { code, message } = err as { code?: string; message: string };
    throw Object.assign(new Error(`${path}: cannot write (${message})`, { cause: err }), { code });
  }
}
