import { type Volume, withStoredVoxels } from '@ct3d/core';
import { niftiAffine } from './affine.js';
import { gunzipBounded, gunzipPrefix } from './gunzip.js';
import { type DatatypeName, datatypeByCode } from './nifti-datatypes.js';
import { NiftiError } from './nifti-errors.js';
import { checkDataLayout, type NiftiHeader, parseNiftiHeader } from './nifti-header.js';
import { decodeVoxels, effectiveScaling, storedIntegerVoxels } from './nifti-voxels.js';

/** A decoded NIfTI volume: float32 values with scl_slope/scl_inter applied, NaN/Inf kept as they are. */
export interface NiftiVolume extends Volume {
  /** The stored datatype, e.g. 'int16'. */
  datatype: DatatypeName;
  /** Number of NaN or +-Infinity voxels (kept in data; see describeNonFinite). */
  nonFinite: number;
  header: NiftiHeader;
}

/** Options of readNifti and decodeNifti. */
export interface ReadNiftiOptions {
  /** File name used in error messages (defaults to the path, or "<bytes>"). */
  name?: string;
  /** Largest (decompressed) file accepted, in bytes: a zip-bomb guard. Default 2 GiB. */
  maxBytes?: number;
  /** Fewest voxels accepted along each axis (default 1); MIN_SCAN_EXTENT refuses 2D images and 1x1x1 volumes. */
  minExtent?: number;
  /**
   * Refuse a volume holding any NaN/Inf voxel (after scl_slope/scl_inter), naming how many: a diagnosis of
   * it would mean nothing. Ingest leaves this off: it counts them (describeNonFinite) and maps them.
   */
  requireFinite?: boolean;
}

/** The default cap on a NIfTI file's decompressed size (2 GiB): a zip-bomb guard. */
export const DEFAULT_MAX_BYTES = 2 * 1024 ** 3;
/** Fewest voxels per axis of a CT scan worth resizing to a training volume: less is a 2D image or a stub. */
export const MIN_SCAN_EXTENT = 4;
/** Compressed bytes inflated to read a gzip's NIfTI header (at most ~4 MiB of output even for a bomb). */
const HEAD_INPUT_BYTES = 4096;

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
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
  const raw = isGzip(head) ? gunzipPrefix(head, HEAD_INPUT_BYTES) : head;
  if (raw === undefined) return undefined;
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
  return gunzipBounded(bytes, file, maxBytes, claimed);
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
  const affine = niftiAffine(header, shape, spacing);
  // Inflated here (so no one else holds the buffer): int8/16 voxels stay as stored, float32 made on first read.
  const stored =
    raw !== bytes
      ? storedIntegerVoxels(raw, offset, count, datatype, header.littleEndian, scaling)
      : undefined;
  if (stored) {
    const base = { shape, spacing, affine, datatype: datatype.name, nonFinite: 0, header };
    return withStoredVoxels(base, stored);
  }
  const { data, nonFinite } = decodeVoxels(raw, offset, count, datatype, header.littleEndian, scaling);
  if (opts.requireFinite && nonFinite > 0) {
    throw new NiftiError(
      file,
      `${nonFinitePhrase(nonFinite, count)}; refused: a prediction from them would mean nothing`,
    );
  }
  return { data, shape, spacing, affine, datatype: datatype.name, nonFinite, header };
}

/** A one-line warning for volumes holding NaN/Inf voxels, or undefined when there are none. */
export function describeNonFinite(
  vol: Pick<NiftiVolume, 'nonFinite' | 'data'>,
  file?: string,
): string | undefined {
  if (vol.nonFinite <= 0) return undefined;
  const where = file ? `${file}: ` : '';
  return `${where}${nonFinitePhrase(vol.nonFinite, vol.data.length)}; normalizeHU maps them to the window minimum`;
}

/** "12 non-finite voxels (NaN/Inf, 0.5% of 2400)": the one wording of the count, for warnings and refusals. */
function nonFinitePhrase(nonFinite: number, voxels: number): string {
  // Two significant digits, never exponent form for 100%: 100, 50, 0.5, 0.00012.
  const pct = Number(((100 * nonFinite) / Math.max(1, voxels)).toPrecision(2));
  return `${nonFinite} non-finite voxels (NaN/Inf, ${pct}% of ${voxels})`;
}
