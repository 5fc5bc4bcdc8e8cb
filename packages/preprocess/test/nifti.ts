import { gunzipSync } from 'node:zlib';
import { fixtureBytes } from './golden.js';

/**
 * Test-only NIfTI-1 decoder for the golden inputs (not @ct3d/io's reader): gunzip, 348-byte header
 * (either endianness), dims, datatype, vox_offset and scl_slope/scl_inter, values as float64 like
 * nibabel's get_fdata.
 */
export function decodeFixtureNifti(name: string): { data: Float64Array; shape: [number, number, number] } {
  let b = fixtureBytes(name);
  if (b[0] === 0x1f && b[1] === 0x8b) b = gunzipSync(b);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const le = view.getInt32(0, true) === 348;
  if (!le && view.getInt32(0, false) !== 348) throw new Error(`${name}: not a NIfTI-1 header`);
  const i16 = (o: number) => view.getInt16(o, le);
  const f32 = (o: number) => view.getFloat32(o, le);
  const shape: [number, number, number] = [i16(42), i16(44), i16(46)];
  const datatype = i16(70);
  const offset = Math.floor(f32(108));
  const slope = f32(112);
  const inter = f32(116);
  const n = shape[0] * shape[1] * shape[2];
  const readers: Record<number, [number, (o: number) => number]> = {
    2: [1, (o) => view.getUint8(o)],
    4: [2, (o) => view.getInt16(o, le)],
    8: [4, (o) => view.getInt32(o, le)],
    16: [4, (o) => view.getFloat32(o, le)],
    64: [8, (o) => view.getFloat64(o, le)],
    256: [1, (o) => view.getInt8(o)],
    512: [2, (o) => view.getUint16(o, le)],
  };
  const reader = readers[datatype];
  if (!reader) throw new Error(`${name}: unsupported datatype ${datatype}`);
  const [size, read] = reader;
  const scaled = slope !== 0 && Number.isFinite(slope);
  const data = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const x = read(offset + k * size);
    data[k] = scaled ? x * slope + inter : x;
  }
  return { data, shape };
}
