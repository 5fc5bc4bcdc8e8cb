import { constants as bufferConstants } from 'node:buffer';
import { constants as fsConstants } from 'node:fs';
import { open } from 'node:fs/promises';
import { gunzipSync, constants as zlibConstants } from 'node:zlib';
import { niftiAffine } from './affine.js';
import { type DatatypeName, datatypeByCode } from './nifti-datatypes.js';
import { NiftiError } from './nifti-errors.js';
import { checkDataLayout, type NiftiHeader, parseNiftiHeader } from './nifti-header.js';
import { decodeVoxels, effectiveScaling } from './nifti-voxels.js';
import type { Volume } from './volume.js';

/** A decoded NIfTI volume: float32 values with scl_slope/scl_inter applied, NaN/Inf kept as they are. */
export interface NiftiVolume extends Volume {
  /** The stored datatype, e.g. 'int16'. */
  datatype: DatatypeName;
  /** Number of NaN or +-Infinity voxels (kept in data; see describeNonFinite). */
  nonFinite: number;
  header: NiftiHeader;
}

export interface ReadNiftiOptions {
  /** File name used in error messages (defaults to the path, or "<bytes>"). */
  name?: string;
  /** Largest (decompressed) file accepted, in bytes: a zip-bomb guard. Default 2 GiB. */
  maxBytes?: number;
  /** Fewest voxels accepted along each axis (default 1); MIN_SCAN_EXTENT refuses 2D images and 1x1x1 volumes. */
  minExtent?: number;
}

export const DEFAULT_MAX_BYTES = 2 * 1024 ** 3;
/** Fewest voxels per axis of a CT scan worth resizing to a training volume: less is a 2D image or a stub. */
export const MIN_SCAN_EXTENT = 4;
/** Compressed bytes inflated to read a gzip's NIfTI header (at most ~4 MiB of output even for a bomb). */
const HEAD_INPUT_BYTES = 4096;

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function gunzip(bytes: Uint8Array, file: string, maxBytes: number, claimed?: number): Uint8Array {
  try {
    return gunzipSync(bytes, { maxOutputLength: Math.min(claimed ?? maxBytes, bufferConstants.MAX_LENGTH) });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      const reason =
        claimed === undefined
          ? `decompressed size exceeds the limit of ${maxBytes} bytes`
          : `gzip data is larger than the ${claimed} bytes its header claims (wrong dims, or a gzip bomb)`;
      throw new NiftiError(file, reason, { cause: err });
    }
    if (code === 'Z_BUF_ERROR') {
      throw new NiftiError(file, 'truncated gzip data (unexpected end of file)', { cause: err });
    }
    throw new NiftiError(file, `corrupt gzip data (${(err as Error).message})`, { cause: err });
  }
}

/**
 * The size of the uncompressed NIfTI whose start is `head` (plain, or gzip: only its first 4 KiB are inflated),
 * as its header claims: `bytes` = vox_offset + voxels x bytes per voxel. Undefined when the header cannot be
 * read from `head`. Lets a reader bound memory by the output's size before it decompresses anything.
 */
export function claimedNiftiSize(
  head: Uint8Array,
  file = '<bytes>',
): { bytes: number; voxels: number } | undefined {
  let raw = head;
  if (isGzip(head)) {
    try {
      raw = gunzipSync(head.subarray(0, HEAD_INPUT_BYTES), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    } catch {
      return undefined;
    }
  }
  try {
    const header = parseNiftiHeader(raw, file);
    const datatype = datatypeByCode(header.datatypeCode);
    const ndim = header.dims[0];
    const voxels = header.dims.slice(1, ndim + 1).reduce((a, b) => a * b, 1);
    const size = header.voxOffset + voxels * (datatype?.bytes ?? Number.NaN);
    // checkDataLayout refuses bad dims, datatype or vox_offset with its own messages.
    if (!Number.isSafeInteger(size)) return undefined;
    checkDataLayout(header, size, file);
    return { bytes: size, voxels };
  } catch {
    return undefined;
  }
}

/**
 * A .nii.gz inflated no further than the size its header claims (refused before inflating when that is
 * over maxBytes): a bomb or a lying header costs at most the claimed size, never the inflated size.
 */
function inflateBounded(bytes: Uint8Array, file: string, maxBytes: number): Uint8Array {
  const claimed = claimedNiftiSize(bytes, file)?.bytes;
  if (claimed !== undefined && claimed > maxBytes) {
    throw new NiftiError(
      file,
      `header claims ${claimed} bytes of image, over the limit of ${maxBytes} bytes`,
    );
  }
  return gunzip(bytes, file, maxBytes, claimed);
}

function checkExtent(shape: readonly number[], minExtent: number, file: string): void {
  if (shape.every((n) => n >= minExtent)) return;
  const axes = shape.filter((n) => n > 1).length;
  const kind = axes === 0 ? 'a single voxel' : axes < 3 ? `a ${axes}D image` : 'too small';
  throw new NiftiError(
    file,
    `degenerate volume ${shape.join('x')} (${kind}): a CT scan needs at least ${minExtent} voxels along each axis`,
  );
}

/** Decodes a .nii or .nii.gz (detected by its gzip magic) held in memory. */
export function decodeNifti(bytes: Uint8Array, opts: ReadNiftiOptions = {}): NiftiVolume {
  const file = opts.name ?? '<bytes>';
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const raw = isGzip(bytes) ? inflateBounded(bytes, file, maxBytes) : bytes;
  if (raw.length > maxBytes) {
    throw new NiftiError(file, `size ${raw.length} bytes exceeds the limit of ${maxBytes} bytes`);
  }
  const header = parseNiftiHeader(raw, file);
  const { shape, count, datatype, offset } = checkDataLayout(header, raw.length, file);
  checkExtent(shape, opts.minExtent ?? 1, file);
  const spacing = [1, 2, 3].map((i) => Math.abs(header.pixdim[i])) as [number, number, number];
  if (spacing.some((s) => !Number.isFinite(s))) {
    throw new NiftiError(
      file,
      `invalid pixdim [${header.pixdim.slice(1, 4).join(', ')}]: voxel sizes must be finite`,
    );
  }
  const scaling = effectiveScaling(header.sclSlope, header.sclInter);
  const { data, nonFinite } = decodeVoxels(raw, offset, count, datatype, header.littleEndian, scaling);
  const affine = niftiAffine(header, shape, spacing);
  return { data, shape, spacing, affine, datatype: datatype.name, nonFinite, header };
}

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

/** A one-line warning for volumes holding NaN/Inf voxels, or undefined when there are none. */
export function describeNonFinite(
  vol: Pick<NiftiVolume, 'nonFinite' | 'data'>,
  file?: string,
): string | undefined {
  if (vol.nonFinite <= 0) return undefined;
  const pct = ((100 * vol.nonFinite) / Math.max(1, vol.data.length)).toPrecision(2);
  const where = file ? `${file}: ` : '';
  return `${where}${vol.nonFinite} non-finite voxels (NaN/Inf, ${pct}% of ${vol.data.length}); normalizeHU maps them to the window minimum`;
}
