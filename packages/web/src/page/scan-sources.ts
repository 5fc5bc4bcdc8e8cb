// Which scans a drop holds (worker side): each NIfTI file is one, and so is each CT series among the other
// files (DICOM, grouped from their headers by @ct3d/io/dicom); every other file is skipped with its reason.
import { claimedNiftiSize, NiftiError } from '@ct3d/io';
import { type DicomBlobSeries, DicomError, readDicomBlobHeaders, type SkippedFile } from '@ct3d/io/dicom';
import type { DroppedFile, ScanFacts } from './protocol.js';

export type ScanSource =
  | { facts: ScanFacts; file: File }
  | { facts: ScanFacts; series: DicomBlobSeries; bytes: number; voxels: number };

const NIFTI_NAME = /\.nii(\.gz)?$/i;

/** NIfTI files in the order given, then the CT series of the other files (any name: DICM decides). */
export async function scanSources(
  files: readonly DroppedFile[],
): Promise<{ scans: ScanSource[]; skipped: SkippedFile[] }> {
  const nifti: ScanSource[] = files
    .filter((f) => NIFTI_NAME.test(f.path))
    .map((f) => ({ facts: { name: f.path, format: 'nifti' }, file: f.file }));
  const others = files.filter((f) => !NIFTI_NAME.test(f.path));
  const { series, skipped } = await readDicomBlobHeaders(others.map((f) => ({ name: f.path, blob: f.file })));
  const dicom = series.map((s): ScanSource => {
    const slices = s.series.instances.reduce((n, i) => n + i.frames.length, 0);
    const [rows, columns] = s.series.size;
    return {
      facts: {
        name: s.series.name,
        format: 'dicom',
        modality: s.series.modality,
        slices,
        size: [columns, rows],
      },
      series: s,
      bytes: s.files.reduce((n, f) => n + f.blob.size, 0),
      voxels: rows * columns * slices,
    };
  });
  return { scans: [...nifti, ...dicom], skipped };
}

const GIB = 1024 ** 3;

/** Refuses a scan that would not fit in the tab, a NIfTI file's header alone (before the file is read). */
export async function checkNiftiSize(file: File, name: string, limit: number): Promise<void> {
  const head = new Uint8Array(await file.slice(0, 4096).arrayBuffer());
  const claimed = claimedNiftiSize(head, name);
  if (!claimed) return; // unreadable header: decodeNifti says why
  const need = file.size + claimed.bytes + 4 * claimed.voxels;
  if (need > limit) {
    throw new NiftiError(
      name,
      `needs ${(need / GIB).toFixed(1)} GiB in this tab (file, decoded voxels and their float32 copy); the page's limit is ${(limit / GIB).toFixed(1)} GiB`,
    );
  }
}

/** Refuses a series that would not fit in the tab, from its headers (before its files are read). */
export function checkSeriesSize(source: { facts: ScanFacts; bytes: number; voxels: number }, limit: number) {
  const need = source.bytes + 4 * source.voxels;
  if (need > limit) {
    throw new DicomError(
      source.facts.name,
      `needs ${(need / GIB).toFixed(1)} GiB in this tab (files and their float32 voxels); the page's limit is ${(limit / GIB).toFixed(1)} GiB`,
    );
  }
}

/** The one line a request with no scan gets. */
export function noScanMessage(count: number, skipped: readonly SkippedFile[]): string {
  if (count === 1 && skipped.length === 1) return `${skipped[0].name}: ${skipped[0].reason}`;
  return `No NIfTI file or CT series among the ${count} files given (each skipped file is listed with its reason)`;
}
