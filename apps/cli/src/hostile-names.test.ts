// Hostile data folders: names that could split ingest's lines, forge its output or show reversed; links out of
// the data folder; an empty class; the cache inside the data folder; thousands of bad files. Each is reported
// in one escaped line naming the file, the good scans are cached, and the terminal output stays bounded.
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNifti } from '@ct3d/io/node';
import { synthesizeChestCT } from '@ct3d/io/synthetic';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ct3dNodeArgs, runNode } from './test-support.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ct3d-names-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const ingest = (data: string, out: string, ...more: string[]) =>
  runNode(ct3dNodeArgs(['ingest', data, '--out', out, '--size', '8x8x4', '--workers', '1', ...more]), {
    ...process.env,
    CI: '1',
  });
const goodScan = (path: string, seed: number) =>
  writeNifti(synthesizeChestCT({ size: 16, slices: 8, abnormal: seed % 2 === 1, seed }), path);
const manifestSources = async (cache: string) =>
  (
    JSON.parse(await readFile(join(cache, 'manifest.json'), 'utf8')) as { entries: { source: string }[] }
  ).entries
    .map((e) => e.source.slice(dir.length + 1))
    .sort();

it('prints hostile file names escaped, one line per failure', async () => {
  const data = join(dir, 'data');
  await mkdir(join(data, 'CT-0'), { recursive: true });
  await mkdir(join(data, 'CT-23'));
  await writeFile(join(data, 'CT-0', 'x\ningested 99, all OK.nii'), 'not nifti');
  await writeFile(join(data, 'CT-23', '\u001b[2Kred\u001b[31m.nii.gz'), 'not gzip');
  // Shown raw, U+202E makes "scan_\u202Ezg.iin.exe.nii" read "scan_ein.exe.nii.gz" backwards.
  await writeFile(join(data, 'CT-23', 'scan_\u202ezg.iin.exe.nii'), 'not nifti');
  const r = await ingest(data, join(dir, 'cache'));
  expect(r.code).toBe(1);
  expect(r.stderr).not.toContain('\u001b');
  expect(r.stderr).not.toContain('\u202e');
  expect(r.stderr.split('\n').some((l) => l.startsWith('ingested 99'))).toBe(false);
  const failures = r.stderr.split('\n').filter((l) => l.startsWith('failed '));
  expect(failures).toHaveLength(3);
  expect(failures.join('\n')).toContain('x\\u000aingested 99, all OK.nii: ');
  expect(failures.join('\n')).toContain('\\u001b[2Kred\\u001b[31m.nii.gz: ');
  expect(failures.join('\n')).toContain('CT-23/scan_\\u202ezg.iin.exe.nii: ');
}, 60_000);

it('skips a link to / and its own --out inside a class folder (run twice), and caches a 247-byte name', async () => {
  const data = join(dir, 'linked');
  await mkdir(join(data, 'CT-0'), { recursive: true });
  await mkdir(join(data, 'CT-23'));
  await goodScan(join(data, 'CT-0', 'a.nii.gz'), 0);
  await goodScan(join(data, 'CT-23', `${'b'.repeat(243)}.nii`), 1);
  await symlink('/', join(data, 'CT-0', 'root'));
  const cache = join(data, 'CT-0', 'cache');
  const first = await ingest(data, cache);
  expect(first.stderr).toContain(
    `skipped ${join(data, 'CT-0', 'root')}: link to /, outside ${data}: not followed; follow with --follow-links`,
  );
  expect(first.stderr).toMatch(/ingested 2, already cached 0, failed 0/);
  expect(first.code).toBe(0);
  const second = await ingest(data, cache);
  expect(second.code).toBe(0);
  expect(second.stderr).toMatch(/ingested 0, already cached 2, failed 0/);
  expect(second.stderr).toContain(
    `skipped ${cache}: the output folder (${cache}): its own files are not read as scans`,
  );
  expect(await manifestSources(cache)).toEqual([
    'linked/CT-0/a.nii.gz',
    `linked/CT-23/${'b'.repeat(243)}.nii`,
  ]);
  expect((await readFile(join(cache, 'ingest-errors.txt'), 'utf8')).split('\n').slice(1)).toEqual([
    `skipped ${cache}: the output folder (${cache}): its own files are not read as scans`,
    `skipped ${join(data, 'CT-0', 'root')}: link to /, outside ${data}: not followed; follow with --follow-links`,
    '',
  ]);
  const refused = await ingest(data, join(data, 'CT-23'));
  expect(refused.code).toBe(1);
  expect(refused.stderr.trim()).toBe(
    `ct3d ingest: ${join(data, 'CT-23')}: the output folder is the class folder CT-23; its cache files would be read as scans (choose an output folder outside the class folders)`,
  );
}, 60_000);

it('says which class has no scans and exits 1 (the good scans stay cached); --follow-links reaches a linked pool', async () => {
  const data = join(dir, 'empty-class');
  await mkdir(join(data, 'CT-0'), { recursive: true });
  await mkdir(join(data, 'CT-23'));
  await mkdir(join(dir, 'pool'));
  await goodScan(join(data, 'CT-0', 'a.nii.gz'), 0);
  await goodScan(join(dir, 'pool', 'p.nii.gz'), 1);
  const cache = join(dir, 'cache-empty');
  const empty = await ingest(data, cache, '--classes', 'CT-0=0,CT-23=1');
  expect(empty.code).toBe(1);
  expect(empty.stderr).toContain(
    'class 1 (CT-23, folder CT-23) has no scans: no scan found (.nii, .nii.gz or a DICOM series)\n',
  );
  expect(await manifestSources(cache)).toEqual(['empty-class/CT-0/a.nii.gz']);
  await symlink(join(dir, 'pool'), join(data, 'CT-23', 'pool'));
  expect((await ingest(data, cache)).stderr).toContain('class 1 (CT-23, folder CT-23) has no scans');
  const followed = await ingest(data, cache, '--follow-links');
  expect(followed.stderr).not.toContain('has no scans');
  expect(followed.code).toBe(0);
  expect(await manifestSources(cache)).toEqual([
    'empty-class/CT-0/a.nii.gz',
    'empty-class/CT-23/pool/p.nii.gz',
  ]);
}, 60_000);

it('300 empty .nii files: a bounded report on the terminal, all 300 listed in <cache>/ingest-errors.txt', async () => {
  const data = join(dir, 'many');
  await mkdir(join(data, 'CT-0'), { recursive: true });
  await mkdir(join(data, 'CT-23'));
  await goodScan(join(data, 'CT-0', 'good.nii.gz'), 0);
  await goodScan(join(data, 'CT-23', 'good.nii.gz'), 1);
  const empties = Array.from(
    { length: 300 },
    (_, i) => `CT-${i % 2 ? 23 : 0}/empty-${String(i).padStart(3, '0')}.nii`,
  );
  for (const name of empties) await writeFile(join(data, name), '');
  await writeFile(join(data, 'CT-0', 'notes.txt'), 'x');
  const cache = join(dir, 'cache-many');
  const r = await ingest(data, cache, '--json');
  expect(r.code).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines.filter((l) => l.startsWith('failed '))).toHaveLength(10);
  expect(lines.length).toBeLessThanOrEqual(16);
  const errorsFile = join(cache, 'ingest-errors.txt');
  expect(lines.at(-1)).toBe(
    `300 failed, 1 skipped, 0 warnings (the first 10 of each shown above): all listed in ${errorsFile}`,
  );
  const listed = (await readFile(errorsFile, 'utf8')).trim().split('\n');
  expect(listed[0]).toMatch(/^# ct3d ingest .+: 300 failed, 1 skipped, 0 warnings/);
  expect(
    listed.filter((l) => l.startsWith('failed ')).map((l) => l.slice(7 + data.length + 1, l.indexOf(': '))),
  ).toEqual([...empties].sort());
  expect(listed.at(-1)).toBe(
    `skipped ${join(data, 'CT-0', 'notes.txt')}: neither NIfTI (.nii, .nii.gz) nor DICOM in CT-0`,
  );
  const summary = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}');
  expect(summary).toMatchObject({ ingested: 2, errorsFile, emptyClasses: [] });
  expect(summary.failed).toHaveLength(300);
  expect(summary.skippedFiles).toHaveLength(1);
}, 60_000);
