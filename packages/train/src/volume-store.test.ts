import { identityAffine, type Volume } from '@ct3d/core';
import { describe, expect, it } from 'vitest';
import { MemoryVolumeStore } from './volume-store.js';

const volume = (fill: number): Volume => ({
  data: new Float32Array(24).fill(fill),
  shape: [2, 3, 4],
  spacing: [1, 2, 3],
  affine: identityAffine([1, 2, 3]),
});

describe('MemoryVolumeStore', () => {
  it('gives back the volume put under an id, the last one put, and forgets all on clear', async () => {
    const store = new MemoryVolumeStore();
    const a = volume(1);
    await store.put('CT-0/a.nii.gz', a);
    await store.put('CT-23/b.nii.gz', volume(2));
    expect(await store.get('CT-0/a.nii.gz')).toEqual(a);
    expect((await store.get('CT-23/b.nii.gz')).data[0]).toBe(2);
    await store.put('CT-0/a.nii.gz', volume(3));
    expect((await store.get('CT-0/a.nii.gz')).data[0]).toBe(3);
    await store.clear();
    await expect(store.get('CT-23/b.nii.gz')).rejects.toThrow(
      'CT-23/b.nii.gz: no preprocessed volume kept for this scan',
    );
  });
});
