import { constants as fsConstants } from 'node:fs';
import { open } from 'node:fs/promises';
import { DEFAULT_MAX_BYTES, decodeNifti, type NiftiVolume, type ReadNiftiOptions } from './nifti-decode.js';
import { NiftiError } from './nifti-errors.js';

/**
 * The bytes of a file that must be a regular file of at most maxBytes: opened non-blocking (a FIFO cannot
 * hang the read) and checked on the open descriptor (a symlink to /dev/zero is a device, refused), then read
 * to the size it had. Errors are NiftiError naming `name`. Shared by readNifti and the ingest worker.
 */
export async function readRegularFile(path: string, opts: ReadNiftiOptions = {}): Promise<Uint8Array> {
  const file = opts.name ?? path;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  try {
    const handle = await open(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw new NiftiError(file, `not a regular file (${fileKind(info)})`);
      if (info.size > maxBytes) {
        throw new NiftiError(file, `size ${info.size} bytes exceeds the limit of ${maxBytes} bytes`);
      }
      const bytes = new Uint8Array(info.size);
      let at = 0;
      while (at < bytes.length) {
        const { bytesRead } = await handle.read(bytes, at, bytes.length - at, at);
        if (bytesRead === 0) break;
        at += bytesRead;
      }
      return at === bytes.length ? bytes : bytes.subarray(0, at);
    } finally {
      await handle.close();
    }
  } catch (err) {
    if (err instanceof NiftiError) throw err;
    const code = (err as { code?: string }).code;
    throw new NiftiError(file, `cannot read file (${code ?? (err as Error).message})`, { cause: err });
  }
}

function fileKind(info: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isSocket(): boolean;
}) {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isCharacterDevice()) return 'a device';
  return info.isSocket() ? 'a socket' : 'not a plain file';
}

/** Reads a .nii / .nii.gz file (or decodes bytes already in memory). Errors are NiftiError. */
export async function readNifti(
  source: string | Uint8Array,
  opts: ReadNiftiOptions = {},
): Promise<NiftiVolume> {
  if (typeof source !== 'string') return decodeNifti(source, opts);
  const file = opts.name ?? source;
  return decodeNifti(await readRegularFile(source, opts), { ...opts, name: file });
}
