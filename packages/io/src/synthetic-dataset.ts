import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createRng, mixSeed } from '@ct3d/core';
import { writeNifti } from './nifti-write.js';
import type { SyntheticFamily } from './synthetic/families.js';
import { synthesizeWithMask } from './synthetic.js';

/** Options of writeSyntheticDataset. */
export interface SyntheticDatasetOptions {
  /** Scans per class. */
  perClass: number;
  /** In-plane size (default 512). */
  size?: number;
  /** Inclusive range of slice counts (default [30, 45]). */
  slices?: [number, number];
  seed?: number;
  /** gzip level for the .nii.gz files (default 6). */
  gzipLevel?: number;
  /** Body shapes and lesions (default 'standard'); 'broad-dense' is the held-out-style second family. */
  family?: SyntheticFamily;
  /** Also write each abnormal scan's lesion mask beside it, `<name>_mask.nii.gz` (0/1 int16, same affine). */
  masks?: boolean;
}

/** The lesion mask's file name for a scan file name: study_0001.nii.gz -> study_0001_mask.nii.gz. */
export function maskFileName(scanFile: string): string {
  return scanFile.replace(/\.nii(\.gz)?$/i, (ext) => `${MASK_SUFFIX}${ext}`);
}

/** What a lesion mask's name ends with before .nii(.gz): discovery skips such files (they are no scans). */
export const MASK_SUFFIX = '_mask';

/** The two MosMedData class folders the seed uses, in label order. */
const CLASSES = [
  { folder: 'CT-0', abnormal: false },
  { folder: 'CT-23', abnormal: true },
] as const;

/**
 * Writes CT-0/ (normal) and CT-23/ (ground-glass opacities) int16 .nii.gz scans named like MosMedData
 * (study_0001.nii.gz, numbered across both classes so names are unique); returns the paths in write order.
 */
export async function writeSyntheticDataset(dir: string, opts: SyntheticDatasetOptions): Promise<string[]> {
  const { perClass, size = 512, slices = [30, 45], seed = 0 } = opts;
  if (!Number.isInteger(perClass) || perClass < 0) {
    throw new RangeError(`writeSyntheticDataset: perClass must be an integer >= 0 (got ${perClass})`);
  }
  const [minSlices, maxSlices] = slices;
  if (
    !(Number.isInteger(minSlices) && Number.isInteger(maxSlices) && minSlices >= 1 && maxSlices >= minSlices)
  ) {
    throw new RangeError(`writeSyntheticDataset: slices must be integers [min, max] with 1 <= min <= max`);
  }
  const paths: string[] = [];
  let study = 0;
  for (const [label, cls] of CLASSES.entries()) {
    const folder = join(dir, cls.folder);
    await mkdir(folder, { recursive: true });
    for (let i = 0; i < perClass; i++) {
      study++;
      const scanSeed = mixSeed(seed, label, i);
      const depth = minSlices + createRng(scanSeed).int(maxSlices - minSlices + 1);
      const { scan: vol, mask } = synthesizeWithMask({
        size,
        slices: depth,
        abnormal: cls.abnormal,
        seed: scanSeed,
        family: opts.family,
      });
      const path = join(folder, `study_${String(study).padStart(4, '0')}.nii.gz`);
      await writeNifti(vol, path, {
        datatype: 'int16',
        gzipLevel: opts.gzipLevel,
        description: `ct3d synthetic chest CT (${opts.family ?? 'standard'})`,
      });
      if (opts.masks && cls.abnormal) {
        await writeNifti(mask, maskFileName(path), {
          datatype: 'int16',
          gzipLevel: opts.gzipLevel,
          description: 'ct3d synthetic lesion mask (1 = ground-glass opacity)',
        });
      }
      paths.push(path);
    }
  }
  return paths;
}
