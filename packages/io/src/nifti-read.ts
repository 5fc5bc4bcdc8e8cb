import { readFile, stat } from 'node:fs/promises';
import { DEFAULT_MAX_BYTES, decodeNifti, type NiftiVolume, type ReadNiftiOptions } from './nifti-decode.js';
import { NiftiError } from './nifti-errors.js';

/** Reads a .nii / .nii.gz file (or decodes bytes already in memory). Errors are NiftiError. */
export async function readNifti(
  source: string | Uint8Array,
  opts: ReadNiftiOptions = {},
): Promise<NiftiVolume> {
  if (typeof source !== 'string') return decodeNifti(source, opts);
  const file = opts.name ?? source;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  let bytes: Uint8Array;
  try {
    const info = await stat(source);
    if (!info.isFile()) throw new NiftiError(file, 'not a regular file');
    if (info.size > maxBytes) {
      throw new NiftiError(file, `size ${info.size} bytes exceeds the limit of ${maxBytes} bytes`);
    }
    bytes = await readFile(source);
  } catch (err) {
    if (err instanceof NiftiError) throw err;
    const code = (err as { code?: string }).code;
    throw new NiftiError(file, `cannot read file (${code ?? (err as Error).message})`, { cause: err });
  }
  return decodeNifti(bytes, { ...opts, name: file });
}
