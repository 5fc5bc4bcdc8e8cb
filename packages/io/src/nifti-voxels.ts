import type { StoredVoxels } from '@ct3d/core';
import { HOST_LITTLE_ENDIAN, swapBytes } from './byte-order.js';
import type { DatatypeInfo, DatatypeName } from './nifti-datatypes.js';

type NumericArray =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;

type NumericArrayConstructor = new (
  buffer: ArrayBufferLike,
  byteOffset: number,
  length: number,
) => NumericArray;

const CONSTRUCTORS: Record<DatatypeName, NumericArrayConstructor> = {
  uint8: Uint8Array,
  int8: Int8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  float32: Float32Array,
  float64: Float64Array,
};

/** A native-endian typed array over the voxels: a zero-copy view when aligned and same byte order. */
function typedVoxels(
  raw: Uint8Array,
  offset: number,
  count: number,
  datatype: DatatypeInfo,
  littleEndian: boolean,
): NumericArray {
  const Ctor = CONSTRUCTORS[datatype.name];
  const start = raw.byteOffset + offset;
  const sameOrder = littleEndian === HOST_LITTLE_ENDIAN || datatype.bytes === 1;
  if (sameOrder && start % datatype.bytes === 0) return new Ctor(raw.buffer, start, count);
  const copy = new Uint8Array(count * datatype.bytes);
  copy.set(raw.subarray(offset, offset + copy.length));
  if (!sameOrder) swapBytes(copy, datatype.bytes);
  return new Ctor(copy.buffer, 0, count);
}

/** nibabel's rule: slope 0 or non-finite means unscaled; a non-finite intercept counts as 0. */
export function effectiveScaling(sclSlope: number, sclInter: number): { slope: number; inter: number } {
  if (sclSlope === 0 || !Number.isFinite(sclSlope)) return { slope: 1, inter: 0 };
  return { slope: sclSlope, inter: Number.isFinite(sclInter) ? sclInter : 0 };
}

export function countNonFinite(data: Float32Array): number {
  let n = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    // v - v is 0 for finite v and NaN for NaN or +-Infinity.
    if (v - v !== 0) n++;
  }
  return n;
}

/** Converts raw voxel bytes to float32 values with scl_slope/scl_inter applied (in float64, like nibabel). */
export function decodeVoxels(
  raw: Uint8Array,
  offset: number,
  count: number,
  datatype: DatatypeInfo,
  littleEndian: boolean,
  scaling: { slope: number; inter: number },
): { data: Float32Array; nonFinite: number } {
  const src = typedVoxels(raw, offset, count, datatype, littleEndian);
  const data = new Float32Array(count);
  const { slope, inter } = scaling;
  const scaled = slope !== 1 || inter !== 0;
  if (!scaled) {
    data.set(src);
  } else {
    for (let i = 0; i < count; i++) data[i] = src[i] * slope + inter;
  }
  // Integers stay finite unless scaling overflows float32, so only then is the scan needed.
  const nonFinite = datatype.float || scaled ? countNonFinite(data) : 0;
  return { data, nonFinite };
}

/**
 * The stored voxels themselves when float32 holds them exactly and unchanged (8- and 16-bit integers, no
 * scl_slope/scl_inter): a view of `raw` (or a byte-swapped copy), else undefined.
 */
export function storedIntegerVoxels(
  raw: Uint8Array,
  offset: number,
  count: number,
  datatype: DatatypeInfo,
  littleEndian: boolean,
  scaling: { slope: number; inter: number },
): StoredVoxels | undefined {
  if (datatype.float || datatype.bytes > 2 || scaling.slope !== 1 || scaling.inter !== 0) return undefined;
  return typedVoxels(raw, offset, count, datatype, littleEndian) as StoredVoxels;
}
