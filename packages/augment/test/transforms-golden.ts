import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { identityAffine, type Volume } from '@ct3d/core';
import { maxAbsDiff } from '@ct3d/test-support';
import { FIXTURES } from './golden.js';

export { maxAbsDiff };

/** One golden case of scripts/make-golden.py: a transform (entry or core parameters) and scipy's output. */
export interface TransformCase {
  name: string;
  transform: Record<string, unknown> & { name?: string };
  input: string;
  output: string;
  shape: [number, number, number];
  affine?: number[][];
  out_affine?: number[][];
  codes?: string;
  spacing?: [number, number, number];
}

const DIR = join(FIXTURES, 'transforms');
const manifest = JSON.parse(readFileSync(join(DIR, 'golden.json'), 'utf8')) as {
  input_shape: [number, number, number];
  cases: TransformCase[];
};

export function readF32(file: string): Float32Array {
  const bytes = readFileSync(join(DIR, file));
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** The case `name` with its input volume (identity affine unless the case gives one) and expected voxels. */
export function goldenCase(name: string): { c: TransformCase; input: Volume; expected: Float32Array } {
  const c = manifest.cases.find((x) => x.name === name);
  if (!c) throw new Error(`no golden case ${name}`);
  const spacing = c.spacing ?? [1, 1, 1];
  const input: Volume = {
    data: readF32(c.input),
    shape: [...manifest.input_shape],
    spacing,
    affine: c.affine ?? identityAffine(spacing),
  };
  return { c, input, expected: readF32(c.output) };
}

export function goldenNames(prefix: string): string[] {
  return manifest.cases.filter((c) => c.name.startsWith(prefix)).map((c) => c.name);
}

/** One float32 step at 1 (2^-23 / 2): the tightest tolerance for values in [0, 1] computed in another order. */
export const HALF_ULP_AT_1 = 2 ** -24;

/** Largest absolute difference between two matrices (or vectors) of numbers. */
export function maxMatrixDiff(
  a: readonly (readonly number[])[] | undefined,
  b: readonly (readonly number[])[],
): number {
  if (!a) return Infinity;
  return Math.max(...a.flatMap((row, r) => row.map((x, c) => Math.abs(x - b[r][c]))));
}
