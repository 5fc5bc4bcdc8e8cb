import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Volume } from '@ct3d/core';
import { writeFileAtomic } from '@ct3d/core/node';
import { encodeNifti, type WriteNiftiOptions } from './nifti-encode.js';
import { NiftiError } from './nifti-errors.js';

const gzipAsync = promisify(gzip);

/** Writes a NIfTI-1 file atomically; gzip-compressed when the path ends in .gz. */
export async function writeNifti(vol: Volume, path: string, opts: WriteNiftiOptions = {}): Promise<void> {
  const raw = encodeNifti(vol, opts, path);
  const bytes = /\.gz$/i.test(path) ? await gzipAsync(raw, { level: opts.gzipLevel ?? 6 }) : raw;
  try {
    await writeFileAtomic(path, bytes);
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new NiftiError(path, `cannot write file (${code ?? (err as Error).message})`, { cause: err });
  }
}
