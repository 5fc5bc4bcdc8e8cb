import { type Volume, voxelCount } from '@ct3d/core';
import { affineToQform } from './affine.js';
import { datatypeByName } from './nifti-datatypes.js';
import { NiftiError } from './nifti-errors.js';

/** Options of writeNifti and encodeNifti. */
export interface WriteNiftiOptions {
  /** Stored datatype; int16 rounds to the nearest integer. Default 'float32'. */
  datatype?: 'float32' | 'int16';
  /** gzip level 1..9 for .gz paths (default 6). */
  gzipLevel?: number;
  /** Header description (at most 79 characters are kept). */
  description?: string;
}

const HEADER_BYTES = 348;
const VOX_OFFSET = 352;

function writeHeader(view: DataView, vol: Volume, datatype: 'float32' | 'int16', description: string): void {
  const le = true;
  const info = datatypeByName(datatype);
  const q = affineToQform(vol.affine);
  // pixdim follows the affine (as nibabel's set_qform); a degenerate column keeps the volume's spacing.
  const zooms = q.zooms.map((z, i) => (z > 0 ? z : vol.spacing[i]));
  view.setInt32(0, HEADER_BYTES, le);
  [3, ...vol.shape, 1, 1, 1, 1].forEach((d, i) => {
    view.setInt16(40 + 2 * i, d, le);
  });
  view.setInt16(70, info.code, le);
  view.setInt16(72, info.bytes * 8, le);
  [q.qfac, ...zooms, 1, 1, 1, 1].forEach((p, i) => {
    view.setFloat32(76 + 4 * i, p, le);
  });
  view.setFloat32(108, VOX_OFFSET, le);
  view.setFloat32(112, 1, le); // scl_slope: values are stored unscaled
  view.setFloat32(116, 0, le);
  view.setUint8(123, 2 | 8); // xyzt_units: mm and seconds
  for (let i = 0; i < Math.min(79, description.length); i++)
    view.setUint8(148 + i, description.charCodeAt(i) & 0x7f);
  view.setInt16(252, 1, le); // qform_code: scanner
  view.setInt16(254, 1, le); // sform_code: scanner
  [...q.quatern, ...q.qoffset].forEach((v, i) => {
    view.setFloat32(256 + 4 * i, v, le);
  });
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 4; c++) view.setFloat32(280 + 16 * r + 4 * c, vol.affine[r][c], le);
  }
  [0x6e, 0x2b, 0x31, 0].forEach((b, i) => {
    view.setUint8(344 + i, b);
  }); // "n+1\0"
}

/** Rounds to int16, refusing values that do not fit rather than silently clamping them. */
function toInt16(data: Float32Array, file: string): Int16Array {
  const out = new Int16Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = Math.round(data[i]);
    if (!(v >= -32768 && v <= 32767)) {
      throw new NiftiError(file, `voxel ${i} value ${data[i]} does not fit int16; write it as float32`);
    }
    out[i] = v;
  }
  return out;
}

/** Encodes a volume as an uncompressed little-endian single-file NIfTI-1 (.nii) image (on little-endian hosts, i.e. all Node targets in use). */
export function encodeNifti(vol: Volume, opts: WriteNiftiOptions = {}, file = '<bytes>'): Uint8Array {
  const datatype = opts.datatype ?? 'float32';
  const count = voxelCount(vol.shape);
  if (vol.data.length !== count) {
    throw new NiftiError(
      file,
      `data has ${vol.data.length} values but shape ${vol.shape.join('x')} needs ${count}`,
    );
  }
  if (vol.shape.some((d) => !Number.isInteger(d) || d < 1 || d > 32767)) {
    throw new NiftiError(file, `shape ${vol.shape.join('x')} cannot be stored in a NIfTI-1 header`);
  }
  const voxels = datatype === 'int16' ? toInt16(vol.data, file) : vol.data;
  const bytes = new Uint8Array(VOX_OFFSET + voxels.byteLength);
  writeHeader(new DataView(bytes.buffer), vol, datatype, opts.description ?? 'ct3d');
  bytes.set(new Uint8Array(voxels.buffer, voxels.byteOffset, voxels.byteLength), VOX_OFFSET);
  return bytes;
}
