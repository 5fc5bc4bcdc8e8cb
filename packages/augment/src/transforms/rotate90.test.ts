import type { Volume } from '@ct3d/core';
import { rotate90 } from '@ct3d/preprocess';
import { describe, expect, it } from 'vitest';
import { goldenCase, goldenNames } from '../../test/transforms-golden.js';
import { invert } from './compose.js';
import { createTransform } from './registry.js';
import type { Transform } from './types.js';

describe('Rotate90', () => {
  for (const name of goldenNames('rot90-')) {
    it(`equals numpy rot90 on ${name}, with an exact inverse`, () => {
      const { c, input, expected } = goldenCase(name);
      const t = createTransform(c.transform, 't') as Transform;
      const out = t.apply(input);
      expect(out.shape).toEqual(c.shape);
      expect(out.data).toEqual(expected);
      expect(t.geometry?.(input)).toEqual({ shape: out.shape, spacing: out.spacing, affine: out.affine });
      const back = t.inverse?.(out, input);
      expect(back?.data).toEqual(input.data);
      expect(back?.affine).toEqual(input.affine);
    });
  }

  it("keep_size is the seed's scipy rotate(90, reshape=False), k 1 in (0, 1) only", () => {
    const { input } = goldenCase('rot90-k1-01');
    const t = createTransform({ name: 'Rotate90', keep_size: true }, 't') as Transform;
    const out = t.apply(input);
    expect(out.data).toEqual(rotate90(input).data);
    expect(t.geometry?.(input)).toEqual({ shape: out.shape, spacing: out.spacing, affine: out.affine });
    expect(() => createTransform({ name: 'Rotate90', k: 2, keep_size: true }, 'r')).toThrow(
      /r Rotate90: keep_size true needs k 1 and spatial_axes \[0, 1\]/,
    );
  });

  it('keep_size turns back onto the input grid: the voxels the turn kept exactly (nx - ny even), 0 elsewhere', () => {
    const t = createTransform({ name: 'Rotate90', keep_size: true }, 't') as Transform;
    const [nx, ny, nz] = [6, 4, 2];
    const input: Volume = {
      data: Float32Array.from({ length: nx * ny * nz }, (_, i) => 1 + ((i * 37) % 23)),
      shape: [nx, ny, nz],
      spacing: [0.7, 0.9, 2],
      affine: [
        [0, -0.9, 0, 4],
        [0.7, 0, 0, -3],
        [0, 0, 2, 1],
        [0, 0, 0, 1],
      ],
    };
    const back = invert([t], t.apply(input), input);
    expect(back.shape).toEqual(input.shape);
    for (const [r, row] of back.affine.entries())
      for (const [c, x] of row.entries()) expect(x).toBeCloseTo(input.affine[r][c], 12);
    // Input (x, y) went to output (cj - y, x - di); outside the output's shape the turn cut it.
    const [di, cj] = [(nx - ny) / 2, (nx + ny - 2) / 2];
    let kept = 0;
    for (let k = 0; k < nz; k++)
      for (let y = 0; y < ny; y++)
        for (let x = 0; x < nx; x++) {
          const [o0, o1] = [cj - y, x - di];
          const inside = o0 >= 0 && o0 < nx && o1 >= 0 && o1 < ny;
          const i = x + nx * (y + ny * k);
          kept += inside ? 1 : 0;
          expect(back.data[i], `voxel ${x},${y},${k}`).toBe(inside ? input.data[i] : 0);
        }
    expect(kept).toBe(2 * ny * ny);
  });
});
