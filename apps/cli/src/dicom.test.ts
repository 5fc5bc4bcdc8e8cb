// DICOM series through the CLI: convert, preprocess, ingest (class folders, --series, --labels), train, predict,
// and no planted patient identity in any line printed or any file written.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLANTED_IDENTITY } from '@ct3d/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSeries } from '../../../packages/io/src/dicom/test-series.js';
import { readDicomFolder, readNifti } from '../../../packages/io/src/node.js';
import { leaks, writtenTexts } from './leak-check.js';
import { type CliResult, ct3dNodeArgs, runNode } from './test-support.js';

const outputs: string[] = [];
const ct3d = async (...args: string[]): Promise<CliResult> => {
  const result = await runNode(ct3dNodeArgs(args), { ...process.env, CI: '1' });
  outputs.push(result.stdout, result.stderr);
  return result;
};

const small = { rows: 20, cols: 16, slices: 6 };

describe('ct3d with DICOM series', () => {
  let dir = '';
  let data = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ct3d-dicom-cli-'));
    data = join(dir, 'data');
    makeSeries(join(data, 'CT-0', 'a'), 'axial', { ...small, seed: 1 });
    makeSeries(join(data, 'CT-0', 'b'), 'extras', { ...small, seed: 2 });
    makeSeries(join(data, 'CT-0', 'c'), 'axial', { ...small, seed: 3, description: 'Chest Zzplanted' });
    makeSeries(join(data, 'CT-23', 'a'), 'two', { ...small, seed: 4 });
    makeSeries(join(data, 'CT-23', 'b'), 'axial', { ...small, seed: 5 });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('converts a series as dcm2niix would, refuses a two-series folder with its names, picks by --series', async () => {
    await mkdir(join(dir, 'out'));
    const out = join(dir, 'out', 'a.nii.gz');
    const converted = await ct3d('convert', join(data, 'CT-0', 'a'), out);
    expect(converted.code, converted.stderr).toBe(0);
    expect(converted.stdout).toMatch(/\(series Chest_1\.0_B31f-[0-9a-f]{12}, 16x20x6, float32\)\n$/);
    const nifti = await readNifti(out);
    expect(nifti.shape).toEqual([16, 20, 6]);

    const two = await ct3d('convert', join(data, 'CT-23', 'a'), join(dir, 'out', 'two.nii.gz'));
    expect(two.code).toBe(1);
    expect(two.stderr).toMatch(
      /holds 2 series \(Lung_B70f-\w+, Soft_B40f-\w+\): pick one with --series REGEX/,
    );
    const soft = await ct3d(
      'convert',
      join(data, 'CT-23', 'a'),
      join(dir, 'out', 'soft.nii.gz'),
      '--series',
      'b40',
    );
    expect(soft.code, soft.stderr).toBe(0);
    expect(soft.stdout).toContain('(series Soft_B40f-');

    const pre = await ct3d(
      'preprocess',
      join(data, 'CT-0', 'a'),
      join(dir, 'out', 'pre.nii.gz'),
      '--size',
      '8x8x4',
    );
    expect(pre.code, pre.stderr).toBe(0);
    expect((await readNifti(join(dir, 'out', 'pre.nii.gz'))).shape).toEqual([8, 8, 4]);
    // A description holding the patient's name is dropped: the series is named "series-<hash>".
    const named = await ct3d('convert', join(data, 'CT-0', 'c'), join(dir, 'out', 'c.nii.gz'));
    expect(named.stdout).toMatch(/\(series series-[0-9a-f]{12}, /);
  });

  it('ingests series from class folders, skips what is no slice, trains and predicts a series', async () => {
    const cache = join(dir, 'cache');
    const ingest = await ct3d(
      'ingest',
      data,
      '--out',
      cache,
      '--size',
      '12x12x12',
      '--workers',
      '1',
      '--json',
    );
    expect(ingest.code, ingest.stderr).toBe(0);
    expect(ingest.stderr).toMatch(/skipped .*scout0000\.dcm: localizer \(scout\) image/);
    expect(ingest.stderr).toMatch(/skipped .*sr\.dcm: not an image: structured report \(SR\)/);
    const manifest = JSON.parse(await readFile(join(cache, 'manifest.json'), 'utf8'));
    const files = manifest.entries.map((e: { file: string }) => e.file).sort();
    expect(files).toHaveLength(6);
    expect(
      files.filter((f: string) => /^Chest_1\.0_B31f-[0-9a-f]{12}-[0-9a-f]{8}\.nii$/.test(f)),
    ).toHaveLength(3);
    expect(
      files.filter((f: string) => /^(Lung_B70f|Soft_B40f|series)-[0-9a-f]{12}-[0-9a-f]{8}\.nii$/.test(f)),
    ).toHaveLength(3);

    const picked = await ct3d(
      'ingest',
      data,
      '--out',
      join(dir, 'cache-b70'),
      '--size',
      '16x16x8',
      '--series',
      'B70f',
    );
    // Only CT-23 holds a B70f series: class CT-0 is left empty, which training could not use (exit 1).
    expect(picked.code, picked.stderr).toBe(1);
    expect(picked.stderr).toContain('class 0 (CT-0, folder CT-0) has no scans');
    expect(picked.stderr).toMatch(/skipped .*Soft_B40f-[0-9a-f]{12}: series does not match --series B70f/);
    expect(picked.stderr).toContain('ingested 1,');

    const run = join(dir, 'run');
    const common = [
      '--epochs',
      '1',
      '--filters',
      '2,2',
      '--backend',
      'cpu',
      '--workers',
      '1',
      '--batch',
      '2',
    ];
    const train = await ct3d('train', '--cache', cache, '--run', run, ...common);
    expect(train.code, train.stderr).toBe(0);
    const predict = await ct3d('predict', join(data, 'CT-23', 'b'), '--run', run);
    expect(predict.code, predict.stderr).toBe(0);
    expect(predict.stdout).toMatch(/This model is \d+\.\d\d percent confident that CT scan is abnormal\n$/);
  }, 120_000);

  it('labels scans from a CSV by path, StudyInstanceUID and SeriesInstanceUID, naming each bad row', async () => {
    const [two, plain] = await Promise.all([
      readDicomFolder(join(data, 'CT-23', 'a')),
      readDicomFolder(join(data, 'CT-0', 'b')),
    ]);
    const lung = two.series.find((s) => s.seriesDescription.startsWith('Lung'));
    const csv = [
      'scan,class',
      'CT-0/a,normal',
      `${two.series[0].studyInstanceUID},abnormal`,
      `${lung?.seriesInstanceUID},abnormal`,
      `"${plain.series[0].seriesInstanceUID}",normal`,
      'CT-0/a,normal,extra',
      'CT-9/none,normal',
      '1.2.3.4.5,abnormal',
    ].join('\n');
    const labels = join(dir, 'labels.csv');
    await writeFile(labels, csv);
    const cache = join(dir, 'cache-labels');
    const ingest = await ct3d('ingest', data, '--out', cache, '--labels', labels, '--size', '16x16x8');
    expect(ingest.code, ingest.stderr).toBe(0);
    expect(ingest.stderr).toContain(
      `${labels}:6: expected 2 columns (path or StudyInstanceUID or SeriesInstanceUID, class), got 3`,
    );
    expect(ingest.stderr).toContain(`${labels}:7: ${join(data, 'CT-9/none')} holds no scan`);
    expect(ingest.stderr).toContain(`${labels}:8: its UID matches no series`);
    expect(ingest.stderr).toMatch(
      /skipped .*CT-0\/c\/series-[0-9a-f]{12}: unlabelled: no row of .*labels\.csv names it/,
    );
    expect(ingest.stderr).toContain('classes (');
    expect(ingest.stderr).toContain('0 = normal 2 scans; 1 = abnormal 2 scans');
    const manifest = JSON.parse(await readFile(join(cache, 'manifest.json'), 'utf8'));
    const byClass = manifest.entries.map((e: { source: string; label: number }) => [
      e.source.split('/').slice(-3, -1).join('/'),
      e.label,
    ]);
    expect(byClass.sort()).toEqual([
      ['CT-0/a', 0],
      ['CT-0/b', 0],
      ['CT-23/a', 1],
      ['CT-23/a', 1],
    ]);
  });

  it('writes and prints no planted patient identity anywhere', async () => {
    // The series given to ct3d hold the identity; everything else was written by ct3d or by this test.
    const written = await writtenTexts(dir, [data]);
    expect(written.files.length).toBeGreaterThan(10);
    expect(leaks([...outputs, ...written.texts], PLANTED_IDENTITY)).toEqual([]);
  });
});
