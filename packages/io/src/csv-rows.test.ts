import { describe, expect, it } from 'vitest';
import { readCsvRows } from './csv-rows.js';
import { parseLabelsCsv } from './labels-csv.js';

describe('readCsvRows (both labels.csv readers)', () => {
  it('takes the header delimiter, quoted fields, a BOM, and skips blank and # lines', () => {
    const text = '\uFEFF# made by hand\nstudy;class\n\n"1.2;3" ; "a ""b"""\r\n# note\n4.5;c;\n';
    expect(readCsvRows(text)).toEqual({
      header: { line: 2, fields: ['study', 'class'] },
      rows: [
        { line: 4, fields: ['1.2;3', 'a "b"'] },
        { line: 6, fields: ['4.5', 'c', ''] },
      ],
    });
    expect(readCsvRows('path\tclass\na b\tCT-0\n').rows).toEqual([{ line: 2, fields: ['a b', 'CT-0'] }]);
    expect(readCsvRows('\n# only a comment\n')).toEqual({ rows: [] });
  });

  it('gives the folder labels the same rows: a tab-separated file reads as a comma one', () => {
    const comma = parseLabelsCsv('scan,class\nCT-0/a,normal\n"x,y",abnormal\n', 'l.csv');
    const tab = parseLabelsCsv('scan\tclass\nCT-0/a\tnormal\nx,y\tabnormal\n', 'l.csv');
    expect(tab).toEqual(comma);
    expect(comma.rows.map((r) => r.key)).toEqual(['CT-0/a', 'x,y']);
  });
});
