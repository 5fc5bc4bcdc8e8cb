// Shared by Node (run directly) and the browser bundle: decode NIfTI bytes and apply the seed's preprocessing
// and one augmentation, returning numbers to compare.

import { randomRotation } from '@ct3d/augment';
import { createRng } from '@ct3d/core';
import { decodeNifti } from '@ct3d/io';
import { processScan } from '@ct3d/preprocess';

export function preprocessBytes(bytes) {
  const scan = decodeNifti(bytes, { name: 'scan.nii.gz' });
  const processed = processScan(scan, { size: [24, 20, 12] });
  const rotated = randomRotation(processed, createRng(7));
  return {
    sourceShape: scan.shape,
    shape: processed.shape,
    processed: Array.from(processed.data),
    rotated: Array.from(rotated.data),
  };
}
