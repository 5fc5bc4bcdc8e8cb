import { describe, expect, it } from 'vitest';
import { parseLabelsCsv } from './labels-csv.js';

describe('parseLabelsCsv', () => {
  it('reads quoted fields, a BOM and CRLF lines, and names each bad row by its line', () => {
    const text =
      '\uFEFFscan,class\r\n"CT-0/a, b",normal\r\n\r\n1.2.3,"ab""normal"\r\nonly-one\r\nx,y,z\r\n,abnormal\r\n';
    const { rows, problems } = parseLabelsCsv(text, 'labels.csv');
    expect(rows).toEqual([
      { line: 2, key: 'CT-0/a, b', className: 'normal' },
      { line: 4, key: '1.2.3', className: 'ab"normal' },
    ]);
    expect(problems).toEqual([
      'labels.csv:5: expected 2 columns (path or StudyInstanceUID or SeriesInstanceUID, class), got 1',
      'labels.csv:6: expected 2 columns (path or StudyInstanceUID or SeriesInstanceUID, class), got 3',
      'labels.csv:7: expected 2 columns (path or StudyInstanceUID or SeriesInstanceUID, class), got 1',
    ]);
  });

  it('says an empty file is empty', () => {
    expect(parseLabelsCsv('\n\n', 'l.csv').problems).toEqual([
      'l.csv: empty (expected a header line, then "path or UID,class" rows)',
    ]);
  });
});
