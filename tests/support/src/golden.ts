// Reading a package's golden fixtures (scipy outputs copied into its test/fixtures folder).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface GoldenFixtures<Case> {
  dir: string;
  /** A fixture file's bytes; a missing fixture is a test failure, never a skip. */
  bytes(name: string): Buffer;
  /** A little-endian float32 fixture, optionally checked to hold `length` values. */
  f32(name: string, length?: number): Float32Array;
  /** The cases listed in the folder's manifest.json. */
  cases(): Case[];
}

export function goldenFixtures<Case>(dir: string): GoldenFixtures<Case> {
  const bytes = (name: string): Buffer => {
    const path = join(dir, name);
    if (!existsSync(path)) throw new Error(`missing test fixture ${path}`);
    return readFileSync(path);
  };
  const f32 = (name: string, length?: number): Float32Array => {
    const b = bytes(name);
    if (b.byteLength % 4 !== 0) throw new Error(`${name}: size ${b.byteLength} is not a multiple of 4`);
    const out = new Float32Array(b.byteLength / 4);
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    for (let n = 0; n < out.length; n++) out[n] = view.getFloat32(4 * n, true);
    if (length !== undefined && out.length !== length) {
      throw new Error(`${name}: ${out.length} values, expected ${length}`);
    }
    return out;
  };
  const cases = (): Case[] =>
    (JSON.parse(bytes('manifest.json').toString('utf8')) as { cases: Case[] }).cases;
  return { dir, bytes, f32, cases };
}
