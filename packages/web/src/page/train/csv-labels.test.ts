// Labels from a CSV on the training page: ingest's rows and matching, paths inside the dropped folder, a
// series by its folder or UID, and one line per bad row, row naming nothing or scan left unlabelled.
import { describe, expect, it } from 'vitest';
import { csvLabels } from './csv-labels.js';

const SOURCES = [
  { path: 'data/a/1.nii.gz', files: ['data/a/1.nii.gz'] },
  { path: 'data/b/2.nii', files: ['data/b/2.nii'] },
  {
    path: 'data/s/series-0123456789ab',
    files: ['data/s/x1.dcm', 'data/s/x2.dcm'],
    studyInstanceUID: '1.2.3',
    seriesInstanceUID: '1.2.3.4',
  },
  { path: 'data/c/3.nii.gz', files: ['data/c/3.nii.gz'] },
];

describe('csvLabels', () => {
  it('labels by path inside the drop, series folder and UID; classes in order of first appearance', () => {
    const text = 'path,class\nb/2.nii,sick\na/1.nii.gz,well\n1.2.3.4,sick\n';
    const { classNames, labelOf, problems } = csvLabels({ name: 'labels.csv', text }, SOURCES);
    expect(problems).toEqual([]);
    expect(classNames).toEqual(['sick', 'well']);
    expect(labelOf('data/a/1.nii.gz')).toEqual({ label: 1, id: 'a/1.nii.gz' });
    expect(labelOf('data/b/2.nii')).toEqual({ label: 0, id: 'b/2.nii' });
    expect(labelOf('data/s/series-0123456789ab')).toEqual({ label: 0, id: 's/series-0123456789ab' });
    expect(labelOf('data/c/3.nii.gz')).toEqual({ reason: 'unlabelled: no row of labels.csv names it' });
  });

  it('names the CSV row of each bad row, unknown file, unknown UID and relabelled scan in one line', () => {
    const text = 'path,class\ns,sick\nmissing.nii.gz,well\na/1.nii.gz\n9.9.9,well\ns/x1.dcm,well\n';
    const { problems, labelOf } = csvLabels({ name: 'labels.csv', text }, SOURCES);
    expect(problems).toEqual([
      'labels.csv:4: expected 2 columns (path or StudyInstanceUID or SeriesInstanceUID, class), got 1',
      'labels.csv:3: missing.nii.gz names no scan of the files given',
      'labels.csv:5: its UID matches no series',
      'labels.csv:6: s/series-0123456789ab is labelled "sick" on line 2: kept that',
    ]);
    expect(labelOf('data/s/series-0123456789ab')).toEqual({ label: 0, id: 's/series-0123456789ab' });
  });
});
