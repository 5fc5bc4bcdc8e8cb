import { printable } from '@ct3d/core';
import {
  type DatatypeInfo,
  datatypeByCode,
  describeDatatypeCode,
  SUPPORTED_DATATYPES,
} from './nifti-datatypes.js';
import { NiftiError } from './nifti-errors.js';

/** The NIfTI-1 / NIfTI-2 header fields this package uses (both versions share this shape). */
export interface NiftiHeader {
  version: 1 | 2;
  littleEndian: boolean;
  /** dim[0..7] as stored: dim[0] is the number of dimensions. */
  dims: number[];
  datatypeCode: number;
  bitpix: number;
  /** pixdim[0..7]; pixdim[0] is qfac. */
  pixdim: number[];
  voxOffset: number;
  sclSlope: number;
  sclInter: number;
  qformCode: number;
  sformCode: number;
  /** quatern_b, quatern_c, quatern_d. */
  quatern: [number, number, number];
  qoffset: [number, number, number];
  /** srow_x, srow_y, srow_z. */
  srow: [number[], number[], number[]];
  xyztUnits: number;
  description: string;
}

const NIFTI1_SIZE = 348;
const NIFTI2_SIZE = 540;

function readString(bytes: Uint8Array, start: number, length: number): string {
  let s = '';
  for (let i = start; i < start + length && bytes[i] !== 0; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

/** The header's text field in quotes, escaped by core's one escaping function (bytes 0x80-0x9f included). */
function quoted(s: string): string {
  return `"${printable(s)}"`;
}

/** Finds the version and byte order from sizeof_hdr (348 or 540), in either byte order. */
function detectVersion(view: DataView, file: string): { version: 1 | 2; littleEndian: boolean } {
  for (const littleEndian of [true, false]) {
    const size = view.getInt32(0, littleEndian);
    if (size === NIFTI1_SIZE) return { version: 1, littleEndian };
    if (size === NIFTI2_SIZE) return { version: 2, littleEndian };
  }
  throw new NiftiError(
    file,
    `bad magic: sizeof_hdr is ${view.getInt32(0, true)} (expected 348 for NIfTI-1 or 540 for NIfTI-2); not a NIfTI file`,
  );
}

function checkMagic(bytes: Uint8Array, version: 1 | 2, file: string): void {
  const magic = readString(bytes, version === 1 ? 344 : 4, 4);
  const single = version === 1 ? 'n+1' : 'n+2';
  const pair = version === 1 ? 'ni1' : 'ni2';
  if (magic === single) return;
  if (magic === pair) {
    throw new NiftiError(file, `magic ${quoted(magic)} marks a .hdr/.img pair, which is not supported`);
  }
  throw new NiftiError(file, `bad magic ${quoted(magic)} (expected ${quoted(single)})`);
}

function parseNifti1(view: DataView, bytes: Uint8Array, le: boolean): NiftiHeader {
  const f32 = (at: number) => view.getFloat32(at, le);
  const i16 = (at: number) => view.getInt16(at, le);
  const floats = (at: number, n: number) => Array.from({ length: n }, (_, i) => f32(at + 4 * i));
  return {
    version: 1,
    littleEndian: le,
    dims: Array.from({ length: 8 }, (_, i) => i16(40 + 2 * i)),
    datatypeCode: i16(70),
    bitpix: i16(72),
    pixdim: floats(76, 8),
    voxOffset: f32(108),
    sclSlope: f32(112),
    sclInter: f32(116),
    xyztUnits: view.getUint8(123),
    description: readString(bytes, 148, 80),
    qformCode: i16(252),
    sformCode: i16(254),
    quatern: [f32(256), f32(260), f32(264)],
    qoffset: [f32(268), f32(272), f32(276)],
    srow: [floats(280, 4), floats(296, 4), floats(312, 4)],
  };
}

function parseNifti2(view: DataView, bytes: Uint8Array, le: boolean): NiftiHeader {
  const f64 = (at: number) => view.getFloat64(at, le);
  const i64 = (at: number) => Number(view.getBigInt64(at, le));
  const i32 = (at: number) => view.getInt32(at, le);
  const doubles = (at: number, n: number) => Array.from({ length: n }, (_, i) => f64(at + 8 * i));
  return {
    version: 2,
    littleEndian: le,
    dims: Array.from({ length: 8 }, (_, i) => i64(16 + 8 * i)),
    datatypeCode: view.getInt16(12, le),
    bitpix: view.getInt16(14, le),
    pixdim: doubles(104, 8),
    voxOffset: i64(168),
    sclSlope: f64(176),
    sclInter: f64(184),
    description: readString(bytes, 240, 80),
    qformCode: i32(344),
    sformCode: i32(348),
    quatern: [f64(352), f64(360), f64(368)],
    qoffset: [f64(376), f64(384), f64(392)],
    srow: [doubles(400, 4), doubles(432, 4), doubles(464, 4)],
    xyztUnits: i32(500),
  };
}

/** Parses and checks the header at the start of (uncompressed) NIfTI bytes. */
export function parseNiftiHeader(bytes: Uint8Array, file: string): NiftiHeader {
  if (bytes.length < NIFTI1_SIZE) {
    throw new NiftiError(file, `truncated: ${bytes.length} bytes is too short for a NIfTI header (348)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { version, littleEndian } = detectVersion(view, file);
  if (version === 2 && bytes.length < NIFTI2_SIZE) {
    throw new NiftiError(file, `truncated: ${bytes.length} bytes is too short for a NIfTI-2 header (540)`);
  }
  checkMagic(bytes, version, file);
  return version === 1 ? parseNifti1(view, bytes, littleEndian) : parseNifti2(view, bytes, littleEndian);
}

/** Shape, datatype and byte range of the voxel data, after checking them against the file size. */
export interface DataLayout {
  shape: [number, number, number];
  count: number;
  datatype: DatatypeInfo;
  offset: number;
}

function checkShape(dims: number[], file: string): [number, number, number] {
  const ndim = dims[0];
  if (!Number.isInteger(ndim) || ndim < 1 || ndim > 7) {
    throw new NiftiError(file, `invalid dim[0] = ${ndim} (must be 1..7)`);
  }
  const sizes = dims.slice(1, ndim + 1);
  if (sizes.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new NiftiError(file, `invalid dimensions [${sizes.join(', ')}]: every size must be >= 1`);
  }
  if (sizes.slice(3).some((d) => d !== 1)) {
    throw new NiftiError(file, `unsupported ${ndim}D image [${sizes.join(', ')}]: only 3D volumes are read`);
  }
  return [sizes[0], sizes[1] ?? 1, sizes[2] ?? 1];
}

/** Checks dims, datatype and vox_offset against the number of bytes actually present. */
export function checkDataLayout(header: NiftiHeader, byteLength: number, file: string): DataLayout {
  const shape = checkShape(header.dims, file);
  const datatype = datatypeByCode(header.datatypeCode);
  if (!datatype) {
    throw new NiftiError(
      file,
      `unsupported datatype ${describeDatatypeCode(header.datatypeCode)} (supported: ${SUPPORTED_DATATYPES.join(', ')})`,
    );
  }
  const minOffset = header.version === 1 ? NIFTI1_SIZE : NIFTI2_SIZE;
  const offset = header.voxOffset;
  if (!Number.isInteger(offset) || offset < minOffset) {
    throw new NiftiError(file, `invalid vox_offset ${offset} (must be an integer >= ${minOffset})`);
  }
  if (offset > byteLength) {
    throw new NiftiError(file, `vox_offset ${offset} is past the end of the data (${byteLength} bytes)`);
  }
  const count = shape[0] * shape[1] * shape[2];
  const expected = count * datatype.bytes;
  const found = byteLength - offset;
  if (found !== expected) {
    const what = found < expected ? 'truncated or wrong dims' : 'wrong dims';
    throw new NiftiError(
      file,
      `${what}: dims ${shape.join('x')} of ${datatype.name} need ${expected} bytes after vox_offset ${offset}, found ${found}`,
    );
  }
  return { shape, count, datatype, offset };
}
