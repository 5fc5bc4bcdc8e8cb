import type { Volume } from '@ct3d/core';
import { niftiAffine } from './affine.js';
import { gunzipBounded } from './gunzip.js';
import type { DatatypeName } from './nifti-datatypes.js';
import { NiftiError } from './nifti-errors.js';
import { checkDataLayout, type NiftiHeader, parseNiftiHeader } from './nifti-header.js';
import { decodeVoxels, effectiveScaling } from './nifti-voxels.js';

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
}

export const DEFAULT_MAX_BYTES = 2 * 1024 ** 3;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Decodes a .nii or .nii.gz (detected by its gzip magic) held in memory. */
export function decodeNifti(bytes: Uint8Array, opts: ReadNiftiOptions = {}): NiftiVolume {
  const file = opts.name ?? '<bytes>';
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const raw = isGzip(bytes) ? gunzipBounded(bytes, file, maxBytes) : bytes;
  if (raw.length > maxBytes) {
    throw new NiftiError(file, `size ${raw.length} bytes exceeds the limit of ${maxBytes} bytes`);
  }
  const header = parseNiftiHeader(raw, file);
  const { shape, count, datatype, offset } = checkDataLayout(header, raw.length, file);
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
