// DICOM series among the files of a dataset folder: one series, one scan (Node only).
import { sep } from 'node:path';
import type { DicomSeries } from './dicom/index.js';
import { seriesScanPath } from './dicom/series-path.js';
import { readDicomHeaders } from './dicom-read.js';

/** A DICOM series found in a folder: its files, and the UIDs labels may name (kept in memory only). */
export interface DicomScanSource {
  files: string[];
  seriesInstanceUID: string;
  studyInstanceUID: string;
  /** Voxels of the volume (rows x columns x slices): what decoding it will cost. */
  voxels: number;
}

/** A DICOM series found by discoverScans: its files, as the scan entry lists them. */
export interface FoundSeries {
  /** A name for the scan: the series files' common folder + the series' safe name (no patient data). */
  path: string;
  dicom: DicomScanSource;
}

function asScan(series: DicomSeries): FoundSeries {
  const files = series.instances.map((i) => i.name);
  return {
    path: seriesScanPath(files, series.name, sep),
    dicom: {
      files,
      seriesInstanceUID: series.seriesInstanceUID,
      studyInstanceUID: series.studyInstanceUID,
      voxels: series.size[0] * series.size[1] * series.instances.reduce((n, i) => n + i.frames.length, 0),
    },
  };
}

/**
 * The CT series among `files` (headers only), each a scan. `series` keeps those whose SeriesDescription
 * matches; the others, the non-DICOM files and what is no CT slice go to `skipped` with the reason.
 */
export async function findDicomSeries(
  files: readonly string[],
  opts: { series?: RegExp } = {},
): Promise<{ found: FoundSeries[]; skipped: { path: string; reason: string }[] }> {
  const { series, skipped } = await readDicomHeaders(files);
  const found: FoundSeries[] = [];
  const out = skipped.map((s) => ({ path: s.name, reason: s.reason }));
  for (const s of series) {
    const scan = asScan(s);
    if (opts.series && !opts.series.test(s.seriesDescription)) {
      out.push({ path: scan.path, reason: `series does not match --series ${opts.series.source}` });
    } else {
      found.push(scan);
    }
  }
  return { found, skipped: out };
}
