import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classesWithoutScans, INGEST_ERRORS_FILE, writeIngestErrors } from './ingest-report.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ct3d-ingest-report-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('writeIngestErrors', () => {
  it('lists every problem, one escaped line each, under a header with the counts; none removes the old list', async () => {
    const path = await writeIngestErrors(
      dir,
      [
        { kind: 'failed', path: '/d/CT-0/scan_\u202ezg.iin.exe', text: 'not a NIfTI file' },
        { kind: 'skipped', path: '/d/CT-0/root', text: 'link to /, outside /d: not followed' },
        { kind: 'warning', path: '/d/CT-23/x\n.nii', text: '3 non-finite voxels' },
      ],
      new Date('2026-01-02T03:04:05Z'),
    );
    expect(path).toBe(join(dir, INGEST_ERRORS_FILE));
    expect((await readFile(join(dir, INGEST_ERRORS_FILE), 'utf8')).split('\n')).toEqual([
      '# ct3d ingest 2026-01-02T03:04:05.000Z: 1 failed, 1 skipped, 1 warnings (names escaped: \\u202e is U+202E, \\\\ a backslash)',
      'failed /d/CT-0/scan_\\u202ezg.iin.exe: not a NIfTI file',
      'skipped /d/CT-0/root: link to /, outside /d: not followed',
      'warning /d/CT-23/x\\u000a.nii: 3 non-finite voxels',
      '',
    ]);
    expect(await writeIngestErrors(dir, [])).toBeUndefined();
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('classesWithoutScans', () => {
  const scan = (path: string, label: number) => ({ path, label, className: String(label) });
  it('names each class with no scan cached: none found, or all found failed', () => {
    const classes = { 'CT-0': 0, 'CT-1': 1, 'CT-2': 1, 'CT-23': 2 };
    const names = ['CT-0', 'CT-1..2', 'CT-23'];
    const scans = [scan('/d/CT-0/a.nii', 0), scan('/d/CT-0/b.nii', 0), scan('/d/CT-23/c.nii', 2)];
    expect(classesWithoutScans(classes, names, scans, [{ path: '/d/CT-23/c.nii' }])).toEqual([
      'class 1 (CT-1..2, folders CT-1, CT-2) has no scans: no scan found (.nii, .nii.gz or a DICOM series)',
      'class 2 (CT-23, folder CT-23) has no scans: all 1 found failed',
    ]);
    expect(classesWithoutScans(classes, names, scans, [{ path: '/d/CT-0/a.nii' }])).toHaveLength(1);
  });
});
