/** Hand-written NIfTI-1/2 headers for tests, independent of the package's own writer. */
export interface RawNiftiSpec {
  version?: 1 | 2;
  littleEndian?: boolean;
  datatype: 'uint8' | 'int8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64' | 'rgb24';
  /** dim[1..]: up to 7 sizes. */
  dims: number[];
  values: number[];
  pixdim?: number[];
  sclSlope?: number;
  sclInter?: number;
  qformCode?: number;
  sformCode?: number;
  quatern?: [number, number, number];
  qoffset?: [number, number, number];
  srow?: number[][];
  voxOffset?: number;
}

const TYPES = {
  uint8: { code: 2, bytes: 1, set: 'setUint8' },
  int8: { code: 256, bytes: 1, set: 'setInt8' },
  int16: { code: 4, bytes: 2, set: 'setInt16' },
  uint16: { code: 512, bytes: 2, set: 'setUint16' },
  int32: { code: 8, bytes: 4, set: 'setInt32' },
  uint32: { code: 768, bytes: 4, set: 'setUint32' },
  float32: { code: 16, bytes: 4, set: 'setFloat32' },
  float64: { code: 64, bytes: 8, set: 'setFloat64' },
  rgb24: { code: 128, bytes: 3, set: 'setUint8' },
} as const;

export function buildNifti(spec: RawNiftiSpec): Uint8Array {
  const version = spec.version ?? 1;
  const le = spec.littleEndian ?? true;
  const type = TYPES[spec.datatype];
  const headerSize = version === 1 ? 348 : 540;
  const voxOffset = spec.voxOffset ?? headerSize + 4;
  const bytes = new Uint8Array(voxOffset + spec.values.length * type.bytes);
  const view = new DataView(bytes.buffer);
  const dims = [spec.dims.length, ...spec.dims, ...Array(7 - spec.dims.length).fill(1)];
  const pixdim = spec.pixdim ?? [1, 1, 1, 1, 1, 1, 1, 1];
  const srow = spec.srow ?? [
    [pixdim[1], 0, 0, 0],
    [0, pixdim[2], 0, 0],
    [0, 0, pixdim[3], 0],
  ];
  const q = [...(spec.quatern ?? [0, 0, 0]), ...(spec.qoffset ?? [0, 0, 0])];
  view.setInt32(0, headerSize, le);
  if (version === 1) {
    dims.forEach((d, i) => {
      view.setInt16(40 + 2 * i, d, le);
    });
    view.setInt16(70, type.code, le);
    view.setInt16(72, type.bytes * 8, le);
    pixdim.forEach((p, i) => {
      view.setFloat32(76 + 4 * i, p, le);
    });
    view.setFloat32(108, voxOffset, le);
    view.setFloat32(112, spec.sclSlope ?? 1, le);
    view.setFloat32(116, spec.sclInter ?? 0, le);
    view.setInt16(252, spec.qformCode ?? 0, le);
    view.setInt16(254, spec.sformCode ?? 1, le);
    q.forEach((v, i) => {
      view.setFloat32(256 + 4 * i, v, le);
    });
    srow.flat().forEach((v, i) => {
      view.setFloat32(280 + 4 * i, v, le);
    });
    bytes.set([0x6e, 0x2b, 0x31, 0], 344);
  } else {
    bytes.set([0x6e, 0x2b, 0x32, 0, 0x0d, 0x0a, 0x1a, 0x0a], 4);
    view.setInt16(12, type.code, le);
    view.setInt16(14, type.bytes * 8, le);
    dims.forEach((d, i) => {
      view.setBigInt64(16 + 8 * i, BigInt(d), le);
    });
    pixdim.forEach((p, i) => {
      view.setFloat64(104 + 8 * i, p, le);
    });
    view.setBigInt64(168, BigInt(voxOffset), le);
    view.setFloat64(176, spec.sclSlope ?? 1, le);
    view.setFloat64(184, spec.sclInter ?? 0, le);
    view.setInt32(344, spec.qformCode ?? 0, le);
    view.setInt32(348, spec.sformCode ?? 1, le);
    q.forEach((v, i) => {
      view.setFloat64(352 + 8 * i, v, le);
    });
    srow.flat().forEach((v, i) => {
      view.setFloat64(400 + 8 * i, v, le);
    });
  }
  spec.values.forEach((v, i) => {
    const at = voxOffset + i * type.bytes;
    if (type.bytes === 1) view[type.set](at, v);
    else view[type.set](at, v, le);
  });
  return bytes;
}
