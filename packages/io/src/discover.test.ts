import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CLASSES, discoverScans, parseClassMap } from './dataset.js';

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ct3d-io-discover-'));
  const files = [
    'CT-0/study_0002.nii.gz',
    'CT-0/study_0001.nii',
    'CT-0/notes.txt',
    'CT-0/more/study_0003.NII.GZ',
    'CT-23/b.nii.gz',
    'CT-23/a.nii.gz',
    'CT-1/ignored.nii.gz',
  ];
  for (const f of files) {
    await mkdir(join(root, f, '..'), { recursive: true });
    await writeFile(join(root, f), 'x');
  }
  await symlink(join(root, 'nowhere'), join(root, 'CT-23', 'broken-link'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('discoverScans', () => {
  it('labels class folders (CT-0 -> 0, CT-23 -> 1 by default), sorted by name, recursively', async () => {
    const { scans, skipped } = await discoverScans(root);
    expect(DEFAULT_CLASSES).toEqual({ 'CT-0': 0, 'CT-23': 1 });
    expect(scans.map((s) => [s.path.slice(root.length + 1), s.label, s.className])).toEqual([
      ['CT-0/more/study_0003.NII.GZ', 0, 'CT-0'],
      ['CT-0/study_0001.nii', 0, 'CT-0'],
      ['CT-0/study_0002.nii.gz', 0, 'CT-0'],
      ['CT-23/a.nii.gz', 1, 'CT-23'],
      ['CT-23/b.nii.gz', 1, 'CT-23'],
    ]);
    expect(skipped.map((s) => s.path.slice(root.length + 1))).toEqual([
      'CT-0/notes.txt',
      'CT-23/broken-link',
    ]);
    expect(skipped[0].reason).toBe('neither NIfTI (.nii, .nii.gz) nor DICOM in CT-0');
  });

  it('uses a custom class map', async () => {
    const { scans } = await discoverScans(root, { classes: { 'CT-1': 1, 'CT-0': 0 } });
    expect(scans.map((s) => [s.className, s.label])[0]).toEqual(['CT-1', 1]);
    expect(scans).toHaveLength(4);
  });

  it('fails with a clear error naming a missing class folder', async () => {
    await expect(discoverScans(root, { classes: { 'CT-0': 0, 'CT-4': 1 } })).rejects.toThrow(
      `${join(root, 'CT-4')}: class folder missing (expected folders CT-0, CT-4 under ${root})`,
    );
    await expect(discoverScans(join(root, 'nowhere'))).rejects.toThrow(/nowhere\/CT-0: class folder missing/);
  });
});

describe('parseClassMap', () => {
  it('parses FOLDER=LABEL lists', () => {
    expect(parseClassMap('CT-0=0,CT-1=1')).toEqual({ 'CT-0': 0, 'CT-1': 1 });
    expect(parseClassMap(' CT-0 = 0 , CT-23=1 ,')).toEqual({ 'CT-0': 0, 'CT-23': 1 });
    expect(parseClassMap('a=b=2')).toEqual({ 'a=b': 2 });
  });
  it('rejects malformed maps', () => {
    expect(() => parseClassMap('')).toThrow(/empty/);
    expect(() => parseClassMap('CT-0')).toThrow(/"CT-0" must be FOLDER=LABEL/);
    expect(() => parseClassMap('CT-0=x')).toThrow(/must be FOLDER=LABEL/);
    expect(() => parseClassMap('=1')).toThrow(/must be FOLDER=LABEL/);
    expect(() => parseClassMap('CT-0=-1')).toThrow(/integer >= 0/);
    expect(() => parseClassMap('CT-0=1.5')).toThrow(/integer >= 0/);
    expect(() => parseClassMap('CT-0=')).toThrow(/must be FOLDER=LABEL/);
    expect(() => parseClassMap('CT-0=0,CT-0=1')).toThrow(/twice/);
  });
});

describe('discoverScans with links that repeat what is there', () => {
  it('follows a folder link once: a loop or a second link is skipped with its reason, not walked again', async () => {
    const data = await mkdtemp(join(tmpdir(), 'ct3d-io-loop-'));
    try {
      for (const f of ['CT-0/a.nii.gz', 'CT-0/sub/b.nii.gz', 'CT-23/c.nii.gz', 'CT-23/d.nii.gz']) {
        await mkdir(join(data, f, '..'), { recursive: true });
        await writeFile(join(data, f), 'x');
      }
      await symlink('.', join(data, 'CT-0', 'loop'));
      await symlink(join(data, 'CT-0', 'sub'), join(data, 'CT-0', 'sub-again'));
      await symlink(join(data, 'CT-23', 'c.nii.gz'), join(data, 'CT-23', 'z-copy.nii.gz'));
      const { scans, skipped } = await discoverScans(data);
      expect(scans.map((s) => s.path.slice(data.length + 1))).toEqual([
        'CT-0/a.nii.gz',
        'CT-0/sub/b.nii.gz',
        'CT-23/c.nii.gz',
        'CT-23/d.nii.gz',
      ]);
      expect(skipped.map((s) => [s.path.slice(data.length + 1), s.reason.replaceAll(data, '')])).toEqual([
        ['CT-0/loop', 'symlink loop or second link to the folder /CT-0, already listed'],
        [
          'CT-0/sub-again',
          'second link to the folder /CT-0/sub, already listed'.replace('second', 'symlink loop or second'),
        ],
        ['CT-23/z-copy.nii.gz', 'second link to the file /CT-23/c.nii.gz, already listed'],
      ]);
    } finally {
      await rm(data, { recursive: true, force: true });
    }
  });
});

describe('discoverScans with links out of the data folder and its own output folder', () => {
  let data = '';
  beforeAll(async () => {
    data = await realpath(await mkdtemp(join(tmpdir(), 'ct3d-io-out-')));
    for (const f of [
      'CT-0/a.nii.gz',
      'CT-23/b.nii.gz',
      'CT-0/cache/a-1a2b3c4d.nii',
      'CT-0/cache/manifest.json',
    ]) {
      await mkdir(join(data, f, '..'), { recursive: true });
      await writeFile(join(data, f), 'x');
    }
    await symlink('/', join(data, 'CT-0', 'root'));
  });
  afterAll(() => rm(data, { recursive: true, force: true }));

  it('a link to / in a class folder is skipped with its reason; the scans are found (the walk never reaches /proc)', async () => {
    const { scans, skipped } = await discoverScans(data);
    expect(scans.map((s) => s.path.slice(data.length + 1))).toEqual([
      'CT-0/a.nii.gz',
      'CT-0/cache/a-1a2b3c4d.nii',
      'CT-23/b.nii.gz',
    ]);
    expect(skipped[0]).toEqual({
      path: join(data, 'CT-0', 'root'),
      reason: `link to /, outside ${data}: not followed; follow with --follow-links`,
    });
  });

  it('the output folder inside a class folder is skipped with its reason, also reached through a link', async () => {
    await symlink(join(data, 'CT-0', 'cache'), join(data, 'CT-23', 'cache-link'));
    try {
      const out = join(data, 'CT-0', 'cache');
      const { scans, skipped } = await discoverScans(data, { outputDir: out });
      expect(scans.map((s) => s.path.slice(data.length + 1))).toEqual(['CT-0/a.nii.gz', 'CT-23/b.nii.gz']);
      const reason = `the output folder (${out}): its own files are not read as scans`;
      expect(skipped.filter((s) => s.reason === reason).map((s) => s.path.slice(data.length + 1))).toEqual([
        'CT-0/cache',
        'CT-23/cache-link',
      ]);
    } finally {
      await rm(join(data, 'CT-23', 'cache-link'));
    }
  });

  it('refuses a class folder as the output folder (compared by real path)', async () => {
    await symlink(join(data, 'CT-23'), join(data, 'out-link'));
    await expect(discoverScans(data, { outputDir: join(data, 'out-link') })).rejects.toThrow(
      `${join(data, 'out-link')}: the output folder is the class folder CT-23; its cache files would be read as scans (choose an output folder outside the class folders)`,
    );
  });
});

describe('discoverScans --follow-links', () => {
  it('follows a link out of the data folder when asked', async () => {
    const base = await realpath(await mkdtemp(join(tmpdir(), 'ct3d-io-follow-')));
    try {
      for (const f of ['data/CT-0/a.nii', 'data/CT-23/b.nii', 'pool/p.nii']) {
        await mkdir(join(base, f, '..'), { recursive: true });
        await writeFile(join(base, f), 'x');
      }
      await symlink(join(base, 'pool'), join(base, 'data/CT-23/pool'));
      const without = await discoverScans(join(base, 'data'));
      expect(without.scans).toHaveLength(2);
      expect(without.skipped.map((s) => s.reason)).toEqual([
        `link to ${join(base, 'pool')}, outside ${join(base, 'data')}: not followed; follow with --follow-links`,
      ]);
      const followed = await discoverScans(join(base, 'data'), { followLinks: true });
      expect(followed.scans.map((s) => s.path.slice(base.length + 1))).toEqual([
        'data/CT-0/a.nii',
        'data/CT-23/b.nii',
        'data/CT-23/pool/p.nii',
      ]);
      expect(followed.skipped).toEqual([]);
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });
});
