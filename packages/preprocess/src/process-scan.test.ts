import { type StoredVoxels, withStoredVoxels } from '@ct3d/core';
import { describe, expect, it } from 'vitest';
import { fixtureBytes, goldenCases, maxAbsDiff, readF32 } from '../test/golden.js';
import { f32Volume, goldenInput, randomHU } from '../test/volumes.js';
import { normalizeHU, processScan, resizeTrilinear, rotate90 } from './index.js';

interface ExtraCase {
  name: string;
  input_shape: [number, number, number];
  target: [number, number, number];
}
const extra = (JSON.parse(fixtureBytes('extra.json').toString('utf8')) as { cases: ExtraCase[] }).cases;

describe('processScan', () => {
  for (const c of goldenCases()) {
    const size: [number, number, number] = [c.target.width, c.target.height, c.target.depth];
    it(`matches the seed's process_scan on ${c.name} -> ${size.join('x')}`, () => {
      const out = processScan(goldenInput(c.input), { size });
      expect(out.shape).toEqual(c.processed_shape);
      // Measured ~2e-16 (scipy's spline prefilter residuals): 1e-6 leaves room for float32 rounding only.
      expect(maxAbsDiff(out.data, readF32(c.processed, out.data.length))).toBeLessThanOrEqual(1e-6);
    });
  }

  for (const c of extra) {
    it(`matches the seed on ${c.name} ${c.input_shape.join('x')} -> ${c.target.join('x')}`, () => {
      const out = processScan(f32Volume(`${c.name}.input.f32`, c.input_shape), { size: c.target });
      expect(maxAbsDiff(out.data, readF32(`${c.name}.processed.f32`, out.data.length))).toBeLessThanOrEqual(
        1e-6,
      );
    });
  }

  it('equals normalizeHU -> rotate90 -> resizeTrilinear, geometry included', () => {
    const shapes: [number, number, number][] = [
      [16, 16, 8],
      [20, 12, 5],
      [12, 20, 9],
      [13, 10, 4],
      [1, 3, 2],
      [3, 1, 5],
      [12, 10, 40],
    ];
    for (const [n, shape] of shapes.entries()) {
      const v = randomHU(shape, 10 + n, -1500, 900);
      v.data[3] = Number.NaN;
      v.data[7] = Number.POSITIVE_INFINITY;
      v.spacing = [0.7, 0.8, 2.5];
      for (const size of [
        [8, 8, 16],
        [24, 6, 3],
        [1, 5, 2],
        [5, 5, 5],
        [7, 9, 17],
      ] as [number, number, number][]) {
        const fused = processScan(v, { size });
        const steps = resizeTrilinear(rotate90(normalizeHU(v)), size);
        expect(maxAbsDiff(fused.data, steps.data)).toBeLessThanOrEqual(1e-6);
        expect(fused.spacing).toEqual(steps.spacing);
        expect(fused.affine).toEqual(steps.affine);
      }
    }
  });

  it('reads stored integer voxels (int8/16, uint8/16) to exactly the float32 result, in any window', () => {
    const kinds: [new (n: number) => StoredVoxels, number, number][] = [
      [Int16Array, -32768, 32767],
      [Uint16Array, 0, 65535],
      [Int8Array, -128, 127],
      [Uint8Array, 0, 255],
    ];
    for (const [n, [Kind, lo, hi]] of kinds.entries()) {
      for (const shape of [
        [24, 20, 6],
        [13, 10, 4],
      ] as [number, number, number][]) {
        const plain = randomHU(shape, 30 + n, lo, hi);
        for (let i = 0; i < plain.data.length; i += 5) plain.data[i] = i % 2 ? lo : hi; // the type's extremes
        const stored = new Kind(plain.data.length);
        stored.set(plain.data);
        const { data: _, ...geometry } = plain;
        for (const window of [{}, { min: lo + 3, max: (lo + hi) / 2 }, { min: -10, max: 10 }]) {
          const size: [number, number, number] = [9, 7, 11];
          const fromStored = processScan(withStoredVoxels({ ...geometry }, stored), { size, window });
          const fromFloat = processScan(plain, { size, window });
          expect(Buffer.from(fromStored.data.buffer).equals(Buffer.from(fromFloat.data.buffer))).toBe(true);
          expect(fromStored.affine).toEqual(fromFloat.affine);
        }
      }
    }
  });

  it("defaults to the seed's 128x128x64", () => {
    expect(processScan(randomHU([32, 32, 6], 4)).shape).toEqual([128, 128, 64]);
  });

  it('rejects a bad size', () => {
    expect(() => processScan(randomHU([4, 4, 4], 1), { size: [4, -1, 4] })).toThrow(/invalid size/);
  });
});
