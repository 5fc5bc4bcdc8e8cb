// Labels from a spreadsheet, as hospitals keep them: "path or StudyInstanceUID or SeriesInstanceUID, class".
import { readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { type DiscoverOptions, listDatasetFiles, type ScanEntry, type ScanList } from './discover.js';
import { findDicomSeries } from './discover-dicom.js';
import { assignLabels, type LabelCandidate, parseLabelsCsv } from './labels-rows.js';

export { type LabelRow, parseLabelsCsv } from './labels-rows.js';

interface Candidate extends LabelCandidate {
  scan: Omit<ScanEntry, 'label' | 'className'>;
}

/**
 * Scans anywhere under dir (NIfTI files, DICOM series), labelled by a CSV whose rows name a path relative
 * to dir (a file, or a folder holding a series), a StudyInstanceUID (all its series) or a SeriesInstanceUID.
 * Labels are the classes in order of first appearance. Bad rows, rows matching nothing, scans labelled twice
 * with different classes and unlabelled scans are each one line in `problems` or `skipped`; UIDs are never
 * printed (a row is named by its line).
 */
export async function discoverLabelledScans(
  dir: string,
  labelsFile: string,
  opts: Pick<DiscoverOptions, 'series' | 'followLinks' | 'outputDir'> = {},
): Promise<ScanList & { classNames: string[]; problems: string[] }> {
  const { rows, problems } = parseLabelsCsv(await readFile(labelsFile, 'utf8'), labelsFile);
  const listed = await listDatasetFiles(dir, opts);
  const skipped = [...listed.skipped];
  const rel = (p: string) => relative(dir, p).split(sep).join('/');
  const labelsPath = resolve(labelsFile);
  const nifti = listed.files.filter((f) => /\.nii(\.gz)?$/i.test(f));
  const others = listed.files.filter((f) => !/\.nii(\.gz)?$/i.test(f) && resolve(f) !== labelsPath);
  const dicom = await findDicomSeries(others, opts);
  skipped.push(...dicom.skipped);
  const candidates: Candidate[] = [
    ...nifti.map((path) => ({ name: path, scan: { path }, files: [rel(path)] })),
    ...dicom.found.map(({ path, dicom: d }) => ({
      name: path,
      scan: { path, dicom: d },
      files: d.files.map(rel),
      studyInstanceUID: d.studyInstanceUID,
      seriesInstanceUID: d.seriesInstanceUID,
    })),
  ];
  const assigned = assignLabels(rows, candidates, labelsFile, (key) => `${join(dir, key)} holds no scan`);
  const { labelled, classNames } = assigned;
  problems.push(...assigned.problems);
  const scans: ScanEntry[] = [];
  for (const c of candidates) {
    const row = labelled.get(c);
    if (row) scans.push({ ...c.scan, label: classNames.indexOf(row.className), className: row.className });
    else skipped.push({ path: c.scan.path, reason: `unlabelled: no row of ${labelsFile} names it` });
  }
  return { scans, skipped, classNames, problems };
}
