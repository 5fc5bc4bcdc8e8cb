import { describe, expect, it } from 'vitest';
import { parseStudyLabels } from './study-labels.js';

const A = '1.2.826.0.1.3680043.8.498.1';
const B = '1.2.826.0.1.3680043.8.498.2';
const C = '1.2.826.0.1.3680043.8.498.3';

describe('parseStudyLabels', () => {
  it('reads a header and study,class rows (quoted fields, CRLF, a BOM, comments), classes in first-seen order', () => {
    const text = `\uFEFFstudy,class\r\n${A},abnormal\r\n# a comment\r\n"${B}", "normal"\r\n\r\n${C},abnormal\r\n`;
    expect(parseStudyLabels(text, 'labels.csv')).toEqual({
      rows: [
        { studyUID: A, className: 'abnormal', line: 2 },
        { studyUID: B, className: 'normal', line: 4 },
        { studyUID: C, className: 'abnormal', line: 6 },
      ],
      classNames: ['abnormal', 'normal'],
      problems: [],
    });
  });

  it('takes semicolons or tabs when the header does', () => {
    expect(parseStudyLabels(`study;class\n${A};x\n`, 'l.csv').rows).toEqual([
      { studyUID: A, className: 'x', line: 2 },
    ]);
    expect(parseStudyLabels(`study\tclass\n${A}\ty\n`, 'l.tsv').rows).toEqual([
      { studyUID: A, className: 'y', line: 2 },
    ]);
  });

  it('gives one line per bad row naming the file and line, never the value, and keeps the good rows', () => {
    const text = [
      'study,class',
      `${A},normal`,
      'scans/ZZTESTPATIENT^PLANTED.dcm,normal',
      `${B},`,
      `${C},normal,extra`,
      `${A},normal`,
      `${B},normal`,
      `${B},abnormal`,
      `${B},normal`,
    ].join('\n');
    const parsed = parseStudyLabels(text, 'my\nlabels.csv');
    expect(parsed.rows).toEqual([{ studyUID: A, className: 'normal', line: 2 }]);
    expect(parsed.problems).toEqual([
      'my\\u000alabels.csv line 3: the first column is not a StudyInstanceUID (digits and dots, at most 64)',
      'my\\u000alabels.csv line 4: no class name',
      'my\\u000alabels.csv line 5: 3 columns, expected 2 (study, class)',
      'my\\u000alabels.csv line 6: the same study as line 2, ignored',
      'my\\u000alabels.csv line 8: the study of line 7 again, with class abnormal instead of normal; both refused',
      'my\\u000alabels.csv line 9: the study is given conflicting classes (see the lines above)',
    ]);
    expect(parsed.problems.join('\n')).not.toMatch(/PLANTED|1\.2\.826/);
  });

  it('says when the header is missing or the file is empty', () => {
    expect(parseStudyLabels(`${A},normal\n${B},x\n`, 'l.csv').problems).toEqual([
      'l.csv line 1: no header (expected e.g. "study,class" first)',
    ]);
    expect(parseStudyLabels('\n\n', 'l.csv')).toEqual({
      rows: [],
      classNames: [],
      problems: ['l.csv: no rows'],
    });
  });
});
