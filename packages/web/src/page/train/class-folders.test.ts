// Class folders of a drop: the folder right under the dropped one names the class; labels follow the sorted
// names, as `ct3d ingest` reads a data folder; a file outside a class folder gets its reason.
import { describe, expect, it } from 'vitest';
import { classFolders } from './class-folders.js';

describe('classFolders', () => {
  it('takes the folders under a dropped folder as classes, sorted, and refuses a loose file with a reason', () => {
    const paths = [
      'data/CT-23/b.nii.gz',
      'data/CT-0/a.nii.gz',
      'data/CT-0/series/1.dcm',
      'data/loose.nii.gz',
    ];
    const { classNames, labelOf } = classFolders(paths);
    expect(classNames).toEqual(['CT-0', 'CT-23']);
    expect(labelOf('data/CT-23/b.nii.gz')).toEqual({ label: 1, id: 'CT-23/b.nii.gz' });
    expect(labelOf('data/CT-0/series/1.dcm')).toEqual({ label: 0, id: 'CT-0/series/1.dcm' });
    expect(labelOf('data/loose.nii.gz')).toEqual({
      reason: 'not in a class folder (drop a folder holding one folder per class)',
    });
  });

  it('takes class folders dropped side by side as they are', () => {
    const { classNames, labelOf } = classFolders(['normal/a.nii', 'abnormal/b.nii']);
    expect(classNames).toEqual(['abnormal', 'normal']);
    expect(labelOf('normal/a.nii')).toEqual({ label: 1, id: 'normal/a.nii' });
  });
});
