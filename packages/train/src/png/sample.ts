// A training sample as the montage reads it: pure (no PNG encoder), so fit's loop can take it in a browser.

/**
 * One scan's voxels: 'channels-last' is a Batch sample ([w, h, d(, 1)], depth fastest, as the model sees
 * it); 'nifti' is a Volume's data (i fastest: index = i + w * (j + h * k)). `affine` (voxel to world, RAS+
 * as NIfTI and NiiVue use it) places the voxels in the patient; without one the voxel axes are taken as
 * R, A, S, as NiiVue shows a volume whose header has no orientation.
 */
export interface MontageScan {
  data: Float32Array;
  shape: readonly [number, number, number];
  layout: 'channels-last' | 'nifti';
  affine?: readonly (readonly number[])[];
}

/** The sample `index` of a batch as a montage input ([b, w, h, d, 1] depth fastest). */
export function batchSample(batch: { x: Float32Array; shape: readonly number[] }, index = 0): MontageScan {
  const [b, w, h, d] = batch.shape;
  if (!(index >= 0 && index < b)) throw new RangeError(`batchSample: index ${index} outside batch of ${b}`);
  const n = w * h * d;
  return { data: batch.x.subarray(index * n, (index + 1) * n), shape: [w, h, d], layout: 'channels-last' };
}
