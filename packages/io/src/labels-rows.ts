// The rows of a labels CSV ("path or StudyInstanceUID or SeriesInstanceUID, class"), browser-safe: `ct3d
// ingest --labels` (labels-csv.ts) and the training page read them with this code.
import { readCsvRows } from './csv-rows.js';

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

/** Whether a row's key is a UID (StudyInstanceUID or SeriesInstanceUID) rather than a path. */
export function isUidKey(key: string): boolean {
  return UID.test(key);
}

/**
 * Whether `row` names a scan whose files (paths relative to the data folder, "/"-separated) are `files`:
 * the file, a folder above it, or the series' StudyInstanceUID or SeriesInstanceUID.
 */
export function labelRowMatches(
  row: LabelRow,
  scan: { files: readonly string[]; studyInstanceUID?: string; seriesInstanceUID?: string },
): boolean {
  const { key } = row;
  if (isUidKey(key)) return scan.studyInstanceUID === key || scan.seriesInstanceUID === key;
  const path = key.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
  return scan.files.some((f) => f === path || f.startsWith(`${path}/`));
}

/** A scan a labels CSV may name: its files (relative, "/"-separated), its UIDs, its name in messages. */
export interface LabelCandidate {
  name: string;
  files: readonly string[];
  studyInstanceUID?: string;
  seriesInstanceUID?: string;
}

/**
 * Each candidate's row (the first naming it), the classes in order of first appearance, and one problem line
 * per row naming no scan (`noScan` says it for a path row) or relabelling one; UIDs are never printed.
 */
export function assignLabels<C extends LabelCandidate>(
  rows: readonly LabelRow[],
  candidates: readonly C[],
  labelsFile: string,
  noScan: (path: string) => string,
): { labelled: Map<C, LabelRow>; classNames: string[]; problems: string[] } {
  const classNames = [...new Set(rows.map((r) => r.className))];
  const labelled = new Map<C, LabelRow>();
  const problems: string[] = [];
  for (const row of rows) {
    const hits = candidates.filter((c) => labelRowMatches(row, c));
    if (hits.length === 0)
      problems.push(
        `${labelsFile}:${row.line}: ${isUidKey(row.key) ? 'its UID matches no series' : noScan(row.key)}`,
      );
    for (const hit of hits) {
      const earlier = labelled.get(hit);
      if (earlier && earlier.className !== row.className) {
        problems.push(
          `${labelsFile}:${row.line}: ${hit.name} is labelled "${earlier.className}" on line ${earlier.line}: kept that`,
        );
      } else if (!earlier) labelled.set(hit, row);
    }
  }
  return { labelled, classNames, problems };
}
