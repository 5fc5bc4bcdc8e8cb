import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES_DIR = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** Absolute path of a fixture; throws (failing the test, never skipping it) when the file is missing. */
export function fixturePath(name: string): string {
  const path = join(FIXTURES_DIR, name);
  if (!existsSync(path)) throw new Error(`missing test fixture ${path} (it is part of the repository)`);
  return path;
}

export function readFixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(fixturePath(name)));
}

/** A raw little-endian float32 array fixture (the golden .f32 files). */
export function readF32Fixture(name: string): Float32Array {
  const bytes = readFixture(name);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

export const REAL_CT = 'lungpetctdx_A0002_8mm_B40f.nii.gz';

/** The golden inputs (scipy/nibabel reference outputs beside them), with their stored datatypes. */
export const GOLDEN = [
  { name: 'int16', input: 'int16.nii.gz', datatype: 'int16', shape: [48, 40, 12] },
  { name: 'uint8_scaled', input: 'uint8_scaled.nii.gz', datatype: 'uint8', shape: [30, 30, 9] },
  { name: 'int16_bigendian', input: 'int16_bigendian.nii.gz', datatype: 'int16', shape: [40, 40, 10] },
  { name: 'nonsquare', input: 'nonsquare.nii.gz', datatype: 'int16', shape: [50, 70, 7] },
  {
    name: 'float32_default_size',
    input: 'float32_default_size.nii',
    datatype: 'float32',
    shape: [64, 64, 20],
  },
] as const;
