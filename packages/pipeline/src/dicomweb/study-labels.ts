// labels.csv for a PACS ingest: a header, then `StudyInstanceUID,class` rows (comma, semicolon or tab).
// Problems are one line each naming the file and line, never the UID; the good rows still count.
// Rows are read by io's readCsvRows, as the folder ingest's labels.csv (paths or UIDs) is.
import { printable } from '@ct3d/core';
import { readCsvRows } from '@ct3d/io/dataset';

/** One study of a labels.csv and its class. */
export interface StudyLabel {
  studyUID: string;
  className: string;
  /** 1-based line in the file. */
  line: number;
}

/** The rows of a labels.csv, and one problem line per bad row. */
export interface StudyLabels {
  rows: StudyLabel[];
  /** Class names in first-seen order. */
  classNames: string[];
  /** One line each: "<file> line N: reason". */
  problems: string[];
}

const UID = /^[0-9]+(\.[0-9]+)*$/;

/**
 * Reads a labels.csv (`StudyInstanceUID,class` rows after a header); a bad row is one line naming the file
 * and line, never its value.
 */
export function parseStudyLabels(text: string, file: string): StudyLabels {
  const name = printable(file);
  const table = readCsvRows(text);
  const problems: string[] = [];
  if (!table.header) return { rows: [], classNames: [], problems: [`${name}: no rows`] };
  if (UID.test(table.header.fields[0] ?? '')) {
    problems.push(`${name} line ${table.header.line}: no header (expected e.g. "study,class" first)`);
  }
  const byUid = new Map<string, StudyLabel>();
  const refused = new Set<string>();
  for (const { line, fields } of table.rows) {
    const where = `${name} line ${line}`;
    const [uid = '', className = '', ...extra] = fields;
    if (extra.some((c) => c !== '')) {
      problems.push(`${where}: ${extra.length + 2} columns, expected 2 (study, class)`);
    } else if (!UID.test(uid) || uid.length > 64) {
      problems.push(`${where}: the first column is not a StudyInstanceUID (digits and dots, at most 64)`);
    } else if (className === '') {
      problems.push(`${where}: no class name`);
    } else if (refused.has(uid)) {
      problems.push(`${where}: the study is given conflicting classes (see the lines above)`);
    } else {
      const earlier = byUid.get(uid);
      if (!earlier) byUid.set(uid, { studyUID: uid, className, line });
      else if (earlier.className === className) {
        problems.push(`${where}: the same study as line ${earlier.line}, ignored`);
      } else {
        byUid.delete(uid);
        refused.add(uid);
        problems.push(
          `${where}: the study of line ${earlier.line} again, with class ${printable(className)} instead of ` +
            `${printable(earlier.className)}; both refused`,
        );
      }
    }
  }
  const rows = [...byUid.values()].sort((a, b) => a.line - b.line);
  return { rows, classNames: [...new Set(rows.map((r) => r.className))], problems };
}
