// Series kinds: geometry as dcm2niix for sagittal and multi-frame files, what is skipped, what is refused.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDicomFolder, readDicomHeaders, readDicomVolume, readNifti } from '../node.js';
import { DicomError, readDicomSeries } from './index.js';
import { dcm2niix, makeSeries, type SeriesKind } from './test-series.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'ct3d-dicom-series-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const zeros = (m: number[][]) => m.map((row) => row.map((v) => v + 0));

async function expectSameAsDcm2niix(dir: string, out: string) {
  const { series } = await readDicomFolder(dir);
  const refs = dcm2niix(dir, out);
  expect(series.length).toBe(refs.length);
  const ours = await Promise.all(series.map((s) => readDicomSeries(s)));
  const theirs = await Promise.all(refs.map((f) => readNifti(f)));
  // dcm2niix names files by SeriesDescription: match by it (our names start with the safe description).
  ours.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const [i, vol] of ours.entries()) {
    expect(vol.shape).toEqual(theirs[i].shape);
    expect(vol.affine).toEqual(zeros(theirs[i].affine));
    expect(vol.data).toEqual(theirs[i].data);
  }
  return ours;
}

describe('series kinds against dcm2niix', () => {
  it.each(['sagittal', 'enhanced', 'two'] as SeriesKind[])('%s: same voxels and affine', async (kind) => {
    const dir = makeSeries(join(root, kind), kind);
    const vols = await expectSameAsDcm2niix(dir, join(root, `${kind}-nii`));
    expect(vols.length).toBe(kind === 'two' ? 2 : 1);
  });

  it('sorts by position along the normal, not by InstanceNumber or file name', async () => {
    const dir = makeSeries(join(root, 'order'), 'axial', { seed: 3 });
    const before = await readDicomVolume(dir);
    // Reverse the InstanceNumbers and rename the files: the volume must not change.
    const files = readdirSync(dir).sort();
    files.forEach((name, i) => {
      execFileSync('dcmodify', ['-nb', '-m', `(0020,0013)=${100 - i}`, join(dir, name)]);
    });
    for (const [i, name] of files.entries())
      execFileSync('mv', [join(dir, name), join(dir, `z${files.length - i}.dcm`)]);
    const after = await readDicomVolume(dir);
    expect(after.data).toEqual(before.data);
    expect(after.affine).toEqual(before.affine);
  });
});

describe('skipped and refused', () => {
  it('skips localizers, SR, SEG and non-DICOM files, each with its reason', async () => {
    const dir = makeSeries(join(root, 'extras'), 'extras');
    writeFileSync(join(dir, 'notes.txt'), 'not dicom');
    execFileSync('mkfifo', [join(dir, 'pipe')]); // must not hang the read
    const found = await readDicomFolder(dir);
    expect(found.series).toHaveLength(1);
    expect(found.series[0].instances).toHaveLength(6);
    const reasons = Object.fromEntries(found.skipped.map((s) => [s.name.split('/').pop(), s.reason]));
    expect(reasons).toEqual({
      'notes.txt': 'not a DICOM file (no DICM prefix)',
      pipe: 'not a regular file (a FIFO)',
      'scout0000.dcm': 'localizer (scout) image, not a slice of the volume',
      'sr.dcm': 'not an image: structured report (SR)',
      'seg.dcm': 'not an image: segmentation (SEG)',
    });
    const headers = await readDicomHeaders(readdirSync(dir).map((f) => join(dir, f)));
    expect(headers.skipped.find((s) => s.name.endsWith('pipe'))?.reason).toBe('not a regular file');
    expect(headers.series[0].instances).toHaveLength(6);
  });

  it.each([
    [
      'missing',
      /: uneven slice spacing: 2\.500 mm between .*img\d+\.dcm and .*img\d+\.dcm, 1\.250 mm elsewhere \(a missing slice\?\)$/,
    ],
    [
      'duplicate',
      /: duplicate slice position 45\.500 mm \(.*dcm and .*dcm\): several volumes or repeated files/,
    ],
    ['tilt', /: gantry tilt of 12\.00°: .*ct3d refuses tilted series/],
  ] as [SeriesKind, RegExp][])('%s: one line naming the series', async (kind, message) => {
    const dir = makeSeries(join(root, kind), kind);
    const error = await readDicomVolume(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DicomError);
    expect((error as DicomError).message).not.toContain('\n');
    expect((error as DicomError).file).toMatch(/ \(series Chest_1\.0_B31f-[0-9a-f]{12}\)$/);
    expect((error as DicomError).message).toMatch(message);
  });

  it('a truncated slice is skipped with its reason, and the gap it leaves names it', async () => {
    const dir = makeSeries(join(root, 'truncated'), 'axial', { seed: 9 });
    const victim = join(dir, readdirSync(dir).sort()[2]);
    writeFileSync(victim, readFileSync(victim).subarray(0, 900));
    const found = await readDicomFolder(dir);
    expect(found.skipped).toEqual([
      {
        name: victim,
        reason: expect.stringMatching(/^not a readable DICOM Part-10 file \(.*buffer overrun.*\)$/),
      },
    ]);
    const error = await readDicomVolume(dir).then(
      () => undefined,
      (e: unknown) => e as DicomError,
    );
    expect(error).toBeInstanceOf(DicomError);
    expect(error?.message).toMatch(
      /uneven slice spacing: .* \(a missing slice\?\) \(1 file skipped; first: .*: not a readable/,
    );
    expect(error?.message).not.toContain('\n');
  });

  it('mixed sizes: two series from one UID in a folder, refused when read as one', async () => {
    const dir = makeSeries(join(root, 'mixed'), 'mixed');
    const found = await readDicomFolder(dir);
    expect(found.series.map((s) => s.size)).toEqual([
      [24, 20],
      [26, 20],
    ]);
    expect(found.series[1].name).toBe(`${found.series[0].name}-2`);
    const all = found.series.flatMap((s) => s.instances);
    await expect(readDicomSeries(all, { name: 'mixed' })).rejects.toThrow(
      /^mixed: mixed image sizes 24x20, 26x20 in one series$/,
    );
  });

  it('a folder with two series is refused with their names unless --series picks one', async () => {
    const dir = makeSeries(join(root, 'pick'), 'two');
    await expect(readDicomVolume(dir)).rejects.toThrow(
      /holds 2 series \(Lung_B70f-[0-9a-f]{12}, Soft_B40f-[0-9a-f]{12}\): pick one with --series REGEX/,
    );
    const soft = await readDicomVolume(dir, { series: /B40f/ });
    expect(soft.name).toMatch(/^Soft_B40f-/);
  });
});
