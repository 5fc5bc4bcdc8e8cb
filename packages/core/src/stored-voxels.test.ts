import { describe, expect, it } from 'vitest';
import { storedVoxels, withStoredVoxels } from './stored-voxels.js';
import { identityAffine } from './volume.js';

const base = () => ({
  shape: [2, 2, 2] as [number, number, number],
  spacing: [1, 1, 1] as [number, number, number],
  affine: identityAffine(),
});

describe('withStoredVoxels', () => {
  it('makes float32 data equal to the stored integers on first read, once', () => {
    const stored = new Int16Array([-32768, -1000, 0, 1, 400, 2000, 32767, -5]);
    const v = withStoredVoxels(base(), stored);
    expect(storedVoxels(v)).toBe(stored);
    expect(Array.from(v.data)).toEqual(Array.from(stored));
    expect(v.data).toBeInstanceOf(Float32Array);
    expect(v.data).toBe(v.data);
  });

  it('is not carried by a spread copy, and is dropped when data is replaced', () => {
    const v = withStoredVoxels(base(), new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7]));
    const copy = { ...v, data: new Float32Array(8) };
    expect(storedVoxels(copy)).toBeUndefined();
    expect(Array.from({ ...v }.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const replaced = new Float32Array(8).fill(9);
    v.data = replaced;
    expect(storedVoxels(v)).toBeUndefined();
    expect(v.data).toBe(replaced);
  });
});
