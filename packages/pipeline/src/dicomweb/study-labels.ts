// labels.csv for a PACS ingest: a header, then `StudyInstanceUID,class` rows (comma, semicolon or tab).
// Problems are one line each naming the file and line, never the UID; the good rows still count.
// (The folder ingest reads its own labels.csv with paths; the two readers are to be unified.)
import { printable } from '@ct3d/core';

export interface StudyLabel {
  studyUID: string;
  className: string;
  /** 1-based line in the file. */
  line: number;
}

export interface StudyLabels {
  rows: StudyLabel[];
  /** Class names in first-seen order. */
  classNames: string[];
  /** One line each: "<file> line N: reason". */
  problems: string[];
}

const UID = /^[0-9]+(\.[0-9]+)*$/;

/** Splits one CSV line: fields may be double-quoted ("" is a quote inside one). */
function splitRow(line: string, delimiter: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (ch === delimiter) {
      cells.push(cell.trim());
      cell = '';
    } else cell += ch;
  }
  cells.push(cell.trim());
  return cells;
}

export function parseStudyLabels(text: string, file: string): StudyLabels {
  const name = printable(file);
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const problems: string[] = [];
  const headerIndex = lines.findIndex((l) => l.trim() !== '' && !l.startsWith('#'));
  if (headerIndex < 0) return { rows: [], classNames: [], problems: [`${name}: no rows`] };
  const header = lines[headerIndex];
  const delimiter = [',', ';', '\t'].find((d) => header.includes(d)) ?? ',';
  if (UID.test(splitRow(header, delimiter)[0] ?? '')) {
    problems.push(`${name} line ${headerIndex + 1}: no header (expected e.g. "study,class" first)`);
  }
  const byUid = new Map<string, StudyLabel>();
  const refused = new Set<string>();
  for (let i = headerIndex + 1; i < lines.length; i++) {
    const raw = lines[i];
    if (raw.trim() === '' || raw.startsWith('#')) continue;
    const where = `${name} line ${i + 1}`;
    const [uid = '', className = '', ...extra] = splitRow(raw, delimiter);
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
      if (!earlier) byUid.set(uid, { studyUID: uid, className, line: i + 1 });
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
