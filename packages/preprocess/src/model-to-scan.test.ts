// A map over the model's input back in the scan's space: a blob preprocessed then mapped back lands where it
// was in the scan (the seed's rotate90 and resize undone), for even and odd in-plane size differences.
import { identityAffine, type Volume } from '@ct3d/core';
import { describe, expect, it } from 'vitest';
import { modelToScan } from './model-to-scan.js';
import { processScan } from './process-scan.js';

/** A scan in HU: a Gaussian blob (peak 400 HU, air -1000) centred at `c`. */
function blobScan(shape: [number, number, number], c: [number, number, number]): Volume {
  const [nx, ny, nz] = shape;
  const data = new Float32Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const r2 = ((i - c[0]) / 3) ** 2 + ((j - c[1]) / 3) ** 2 + ((k - c[2]) / 2) ** 2;
        data[i + nx * (j + ny * k)] = -1000 + 1400 * Math.exp(-r2 / 2);
      }
  const affine = identityAffine();
  affine[0][0] = -0.7; // LAS-like, anisotropic: the mapping must not depend on it
  affine[2][2] = 2.5;
  return { data, shape, spacing: [0.7, 1, 2.5], affine };
}

const argmax = (a: Float32Array) => a.indexOf(Math.max(...a));
const ijk = (at: number, [nx, ny]: number[]) => [
  at % nx,
  Math.floor(at / nx) % ny,
  Math.floor(at / (nx * ny)),
];

describe('modelToScan (the seed steps inverted)', () => {
  for (const shape of [
    [20, 14, 9],
    [20, 15, 9],
  ] as [number, number, number][]) {
    it(`puts a ${shape.join('x')} scan's blob back where it was`, () => {
      const c: [number, number, number] = [13, 5, 6];
      const scan = blobScan(shape, c);
      const size: [number, number, number] = [16, 16, 8];
      const model = processScan(scan, { size });
      const back = modelToScan(model.data, scan.shape, scan.affine, { size });
      expect(back).toHaveLength(scan.data.length);
      const peak = ijk(argmax(back), shape);
      for (const a of [0, 1, 2]) expect(Math.abs(peak[a] - c[a])).toBeLessThanOrEqual(1);
      // The values come back close to the normalised scan wherever the model saw it.
      const at = c[0] + shape[0] * (c[1] + shape[1] * c[2]);
      expect(back[at]).toBeGreaterThan(0.85);
      expect(back[0]).toBeLessThan(0.05);
    });
  }

  it('gives 0 where the model never saw the scan (rotate90 keeps the middle of a non-square slice)', () => {
    const shape: [number, number, number] = [8, 20, 4]; // ny > nx: rows j far from the middle leave the field
    const size: [number, number, number] = [8, 8, 4];
    const back = modelToScan(new Float32Array(8 * 8 * 4).fill(1), shape, identityAffine(), { size });
    const value = (i: number, j: number, k: number) => back[i + 8 * (j + 20 * k)];
    expect(value(3, 10, 2)).toBe(1);
    expect(value(3, 0, 2)).toBe(0);
    expect(value(3, 19, 2)).toBe(0);
    expect(() => modelToScan(new Float32Array(3), shape, identityAffine(), { size })).toThrow(/not 8x8x4/);
  });
});
