import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goldenFixtures } from '@ct3d/test-support';

export { maxAbsDiff } from '@ct3d/test-support';

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

const golden = goldenFixtures<GoldenCase>(FIXTURES);
export const fixtureBytes = golden.bytes;
export const readF32 = golden.f32;
export const goldenCases = golden.cases;
