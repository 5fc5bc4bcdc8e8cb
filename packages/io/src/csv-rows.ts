// The one CSV row reader of ct3d's label spreadsheets (folder labels.csv and PACS labels.csv): a header,
// then rows; comma, semicolon or tab (whichever the header uses); double-quoted fields ("" is a quote).

/** One data row of a CSV file, with its line number. */
export interface CsvRow {
  /** 1-based line in the file. */
  line: number;
  fields: string[];
}

/** A CSV file read by readCsvRows: its rows and one problem line per row that could not be read. */
export interface CsvTable {
  /** The first non-blank, non-comment line; undefined when the file has none. */
  header?: CsvRow;
  /** The lines under the header, blank lines and `#` comments left out. */
  rows: CsvRow[];
}

/** Splits one CSV line: fields may be double-quoted ("" is a quote inside one); fields are trimmed. */
export function splitCsvLine(line: string, delimiter = ','): string[] {
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

/** The header and rows of a CSV text (a UTF-8 BOM is dropped). */
export function readCsvRows(text: string): CsvTable {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const kept = (l: string) => l.trim() !== '' && !l.startsWith('#');
  const headerIndex = lines.findIndex(kept);
  if (headerIndex < 0) return { rows: [] };
  const delimiter = [',', ';', '\t'].find((d) => lines[headerIndex].includes(d)) ?? ',';
  const row = (i: number): CsvRow => ({ line: i + 1, fields: splitCsvLine(lines[i], delimiter) });
  const rows: CsvRow[] = [];
  for (let i = headerIndex + 1; i < lines.length; i++) if (kept(lines[i])) rows.push(row(i));
  return { header: row(headerIndex), rows };
}
