import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Test fixtures copied from the scipy golden set (see fixtures/manifest.json). */
export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

export interface GoldenCase {
  name: string;
  input: string;
  input_shape: [number, number, number];
  target: { width: number; height: number; depth: number };
  normalized: string;
  rotated90: string;
  processed: string;
  processed_shape: [number, number, number];
}

/** Reads a fixture file; a missing fixture is a test failure, never a skip. */
export function fixtureBytes(name: string): Buffer {
  const path = join(FIXTURES, name);
  if (!existsSync(path)) throw new Error(`missing test fixture ${path}`);
  return readFileSync(path);
}

export function readF32(name: string, length?: number): Float32Array {
  const b = fixtureBytes(name);
  if (b.byteLength % 4 !== 0) throw new Error(`${name}: size ${b.byteLength} is not a multiple of 4`);
  const out = new Float32Array(b.byteLength / 4);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let n = 0; n < out.length; n++) out[n] = view.getFloat32(4 * n, true);
  if (length !== undefined && out.length !== length) {
    throw new Error(`${name}: ${out.length} values, expected ${length}`);
  }
  return out;
}

export function goldenCases(): GoldenCase[] {
  return (JSON.parse(fixtureBytes('manifest.json').toString('utf8')) as { cases: GoldenCase[] }).cases;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let n = 0; n < a.length; n++) {
    const d = Math.abs(a[n] - b[n]);
    if (!(d <= m)) m = d; // NaN propagates as a failure
  }
  return m;
}
