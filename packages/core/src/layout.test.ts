import { describe, expect, it } from 'vitest';
import { toChannelsLast } from './layout.js';
import { identityAffine } from './volume.js';

describe('toChannelsLast', () => {
  it('puts depth fastest: out[(i*ny + j)*nz + k] = v[i + nx*(j + ny*k)]', () => {
    const [nx, ny, nz] = [4, 3, 5];
    const data = new Float32Array(nx * ny * nz);
    // Encode the coordinates in the value so every position is checked.
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++) data[i + nx * (j + ny * k)] = i * 100 + j * 10 + k;
    const out = toChannelsLast({ data, shape: [nx, ny, nz], spacing: [1, 1, 1], affine: identityAffine() });
    expect(out).toHaveLength(nx * ny * nz);
    let o = 0;
    for (let i = 0; i < nx; i++)
      for (let j = 0; j < ny; j++)
        for (let k = 0; k < nz; k++) {
          expect(out[o]).toBe(i * 100 + j * 10 + k);
          o++;
        }
    expect(Array.from(out.slice(0, 6))).toEqual([0, 1, 2, 3, 4, 10]);
  });

  it('rejects data that does not match the shape', () => {
    const v = {
      data: new Float32Array(5),
      shape: [2, 2, 2] as [number, number, number],
      spacing: [1, 1, 1] as [number, number, number],
      affine: identityAffine(),
    };
    expect(() => toChannelsLast(v)).toThrow(/does not match shape 2x2x2/);
  });
});
