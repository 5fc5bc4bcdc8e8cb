// One scan from disk, whatever it is stored as: a .nii/.nii.gz file, or a DICOM series (a folder, a .dcm file).
import { stat } from 'node:fs/promises';
import type { Volume } from '@ct3d/core';
import { isDicomFile, readDicomVolume } from './dicom-read.js';
import type { ReadNiftiOptions } from './nifti-decode.js';
import { readNifti } from './nifti-read.js';

export interface ScanVolume extends Volume {
  /** NaN/Inf voxels (NIfTI only; DICOM stores integers). */
  nonFinite: number;
  format: 'nifti' | 'dicom';
  /** DICOM files of the folder that are no slice of the series (localizers, reports, unreadable), with why. */
  skipped: { name: string; reason: string }[];
}

const NIFTI_NAME = /\.nii(\.gz)?$/i;

/** Whether path is a DICOM scan: a folder, or a file with the DICM prefix (whatever its name). */
export async function isDicomScan(path: string): Promise<boolean> {
  if (NIFTI_NAME.test(path)) return false;
  const info = await stat(path).catch(() => undefined);
  return info?.isDirectory() === true || (await isDicomFile(path));
}

/**
 * Reads a scan: NIfTI by name, else a DICOM series (folder or Part-10 file; `series` picks one of several by
 * SeriesDescription). minExtent as readNifti's: fewer voxels along an axis is refused (DicomError for DICOM).
 */
export async function readScan(
  path: string,
  opts: ReadNiftiOptions & { series?: RegExp } = {},
): Promise<ScanVolume> {
  if (!(await isDicomScan(path))) {
    const nifti = await readNifti(path, opts);
    return { ...nifti, format: 'nifti', skipped: [] };
  }
  const dicom = await readDicomVolume(path, { series: opts.series, minExtent: opts.minExtent });
  const { data, shape, spacing, affine, skipped } = dicom;
  return { data, shape, spacing, affine, nonFinite: 0, format: 'dicom', skipped };
}
