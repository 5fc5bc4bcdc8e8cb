import { describe, expect, it } from 'vitest';
import { identityAffine, voxelCount } from './index.js';

describe('volume helpers', () => {
  it('counts voxels and builds a scaled identity affine', () => {
    expect(voxelCount([4, 3, 2])).toBe(24);
    expect(identityAffine([2, 3, 4])[2][2]).toBe(4);
  });
});
