// Labels from a spreadsheet, as hospitals keep them: "path or StudyInstanceUID or SeriesInstanceUID, class".
import { readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { readCsvRows } from './csv-rows.js';
import { type DiscoverOptions, listDatasetFiles, type ScanEntry, type ScanList } from './discover.js';
import { findDicomSeries } from './discover-dicom.js';

/** One row of a `--labels` CSV: a path, StudyInstanceUID or SeriesInstanceUID and its class. */
export interface LabelRow {
  /** 1-based line of the file. */
  line: number;
  key: string;
  className: string;
}

/** The rows under the header line (csv-rows.ts reads them); each bad row is one problem line naming it. */
export function parseLabelsCsv(text: string, file: string): { rows: LabelRow[]; problems: string[] } {
  const table = readCsvRows(text);
  const rows: LabelRow[] = [];
  const problems: string[] = [];
  for (const { line, fields } of table.rows) {
    if (fields.length !== 2 || fields[0] === '' || fields[1] === '') {
      problems.push(
        `${file}:${line}: expected 2 columns (path or StudyInstanceUID or SeriesInstanceUID, class), got ${fields.filter((f) => f !== '').length}`,
      );
      continue;
    }
    rows.push({ line, key: fields[0], className: fields[1] });
  }
  if (!table.header) problems.push(`${file}: empty (expected a header line, then "path or UID,class" rows)`);
  return { rows, problems };
}

const UID = /^[0-9]+(\.[0-9]+)+$/;

interface Candidate {
  scan: Omit<ScanEntry, 'label' | 'className'>;
  /** Paths relative to the data folder, "/"-separated: the file, or the series' files. */
  files: string[];
}

function matches(row: LabelRow, c: Candidate): boolean {
  const { key } = row;
  if (UID.test(key)) return c.scan.dicom?.studyInstanceUID === key || c.scan.dicom?.seriesInstanceUID === key;
  const path = key.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
  return c.files.some((f) => f === path || f.startsWith(`${path}/`));
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
    ...nifti.map((path) => ({ scan: { path }, files: [rel(path)] })),
    ...dicom.found.map((s) => ({ scan: s, files: s.dicom.files.map(rel) })),
  ];
  const classNames = [...new Set(rows.map((r) => r.className))];
  const labelled = new Map<Candidate, LabelRow>();
  for (const row of rows) {
    const hits = candidates.filter((c) => matches(row, c));
    if (hits.length === 0) {
      const what = UID.test(row.key) ? 'its UID matches no series' : `${join(dir, row.key)} holds no scan`;
      problems.push(`${labelsFile}:${row.line}: ${what}`);
    }
    for (const hit of hits) {
      const earlier = labelled.get(hit);
      if (earlier && earlier.className !== row.className) {
        problems.push(
          `${labelsFile}:${row.line}: ${hit.scan.path} is labelled "${earlier.className}" on line ${earlier.line}: kept that`,
        );
      } else if (!earlier) labelled.set(hit, row);
    }
  }
  const scans: ScanEntry[] = [];
  for (const c of candidates) {
    const row = labelled.get(c);
    if (row) scans.push({ ...c.scan, label: classNames.indexOf(row.className), className: row.className });
    else skipped.push({ path: c.scan.path, reason: `unlabelled: no row of ${labelsFile} names it` });
  }
  return { scans, skipped, classNames, problems };
}
