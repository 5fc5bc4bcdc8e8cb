/** The NIfTI voxel datatypes this package reads: code -> name, byte size, and whether it is floating point. */
export interface DatatypeInfo {
  code: number;
  name: DatatypeName;
  bytes: number;
  float: boolean;
}

/** The NIfTI voxel types ct3d reads. */
export type DatatypeName = 'uint8' | 'int8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';

const DATATYPES: readonly DatatypeInfo[] = [
  { code: 2, name: 'uint8', bytes: 1, float: false },
  { code: 256, name: 'int8', bytes: 1, float: false },
  { code: 4, name: 'int16', bytes: 2, float: false },
  { code: 512, name: 'uint16', bytes: 2, float: false },
  { code: 8, name: 'int32', bytes: 4, float: false },
  { code: 768, name: 'uint32', bytes: 4, float: false },
  { code: 16, name: 'float32', bytes: 4, float: true },
  { code: 64, name: 'float64', bytes: 8, float: true },
];

/** Names of codes we know but do not read, so the error can say what the file holds. */
const UNSUPPORTED_NAMES: Record<number, string> = {
  1: 'binary',
  32: 'complex64',
  128: 'rgb24',
  1024: 'int64',
  1280: 'uint64',
  1536: 'float128',
  1792: 'complex128',
  2048: 'complex256',
  2304: 'rgba32',
};

export function datatypeByCode(code: number): DatatypeInfo | undefined {
  return DATATYPES.find((d) => d.code === code);
}

export function datatypeByName(name: DatatypeName): DatatypeInfo {
  const info = DATATYPES.find((d) => d.name === name);
  if (!info) throw new Error(`unknown datatype ${name}`);
  return info;
}

export function describeDatatypeCode(code: number): string {
  const known = datatypeByCode(code)?.name ?? UNSUPPORTED_NAMES[code];
  return known ? `${known} (code ${code})` : `code ${code}`;
}

/** Every voxel type decodeNifti reads. */
export const SUPPORTED_DATATYPES: readonly DatatypeName[] = DATATYPES.map((d) => d.name);
