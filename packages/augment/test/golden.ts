import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { identityAffine, type Volume } from '@ct3d/core';
import { goldenFixtures } from '@ct3d/test-support';

export { maxAbsDiff } from '@ct3d/test-support';

/** Test fixtures copied from the scipy golden set (see fixtures/manifest.json). */
export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

export interface AugmentedCase {
  angle: number;
  order: 1 | 3;
  output: string;
}

export interface GoldenCase {
  name: string;
  processed: string;
  processed_shape: [number, number, number];
  augmented: AugmentedCase[];
}

const golden = goldenFixtures<GoldenCase>(FIXTURES);
export const readF32 = golden.f32;
export const goldenCases = golden.cases;

/**
 * The golden processed volumes (rotation inputs) with their augmented outputs. The 128x128x64 case
 * is stored as depth slices 30..33 only (scipy rotates each slice independently).
 */
export function augmentCases(): {
  name: string;
  input: Volume;
  outputs: (AugmentedCase & { data: Float32Array })[];
}[] {
  return goldenCases().map((c) => {
    const sliced = c.name === 'float32_default_size';
    const file = (f: string) => (sliced ? f.replace(/\.f32$/, '.k30-33.f32') : f);
    const shape: [number, number, number] = sliced
      ? [c.processed_shape[0], c.processed_shape[1], 4]
      : c.processed_shape;
    const n = shape[0] * shape[1] * shape[2];
    return {
      name: c.name,
      input: volumeOf(readF32(file(c.processed), n), shape),
      outputs: c.augmented.map((a) => ({ ...a, data: readF32(file(a.output), n) })),
    };
  });
}

export function volumeOf(data: Float32Array, shape: [number, number, number]): Volume {
  return { data, shape, spacing: [1, 1, 1], affine: identityAffine() };
}

/** Deterministic values in [0, 1] (mulberry32). */
export function randomUnit(shape: [number, number, number], seed: number): Volume {
  let a = seed >>> 0;
  const data = new Float32Array(shape[0] * shape[1] * shape[2]);
  for (let n = 0; n < data.length; n++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    data[n] = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  return volumeOf(data, shape);
}
