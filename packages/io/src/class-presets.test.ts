import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLASS_PRESETS,
  classNamesOf,
  discoverScans,
  mergedClassName,
  resolveClassMapping,
} from './dataset.js';

let root = '';
let partial = '';
const FULL = ['CT-0', 'CT-1', 'CT-2', 'CT-3', 'CT-4'];

async function makeDataset(dir: string, folders: string[]): Promise<void> {
  for (const [i, folder] of folders.entries()) {
    await mkdir(join(dir, folder), { recursive: true });
    // i + 1 scans in folder i, so every count is distinct
    for (let n = 0; n <= i; n++) await writeFile(join(dir, folder, `study_${folder}_${n}.nii.gz`), 'x');
  }
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ct3d-io-presets-'));
  await makeDataset(root, FULL);
  partial = await mkdtemp(join(tmpdir(), 'ct3d-io-presets-partial-'));
  await makeDataset(partial, ['CT-0', 'CT-1', 'CT-3']);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(partial, { recursive: true, force: true });
});

const labelCounts = (scans: { label: number; className: string }[]) => {
  const counts: Record<string, number> = {};
  for (const s of scans) counts[`${s.label} ${s.className}`] = (counts[`${s.label} ${s.className}`] ?? 0) + 1;
  return counts;
};

describe('class presets on a CT-0..CT-4 dataset', () => {
  it('binary: CT-0 = 0, CT-1..CT-4 = 1, named "CT-1..4"', async () => {
    const m = await resolveClassMapping(root, 'binary');
    expect(m.classes).toEqual({ 'CT-0': 0, 'CT-1': 1, 'CT-2': 1, 'CT-3': 1, 'CT-4': 1 });
    expect(m.classNames).toEqual(['CT-0', 'CT-1..4']);
    const { scans } = await discoverScans(root, m);
    expect(labelCounts(scans)).toEqual({ '0 CT-0': 1, '1 CT-1..4': 2 + 3 + 4 + 5 });
  });

  it('severity: CT-0..CT-4 = 0..4', async () => {
    const m = await resolveClassMapping(root, 'severity');
    expect(m.classNames).toEqual(FULL);
    const { scans } = await discoverScans(root, m);
    expect(labelCounts(scans)).toEqual({ '0 CT-0': 1, '1 CT-1': 2, '2 CT-2': 3, '3 CT-3': 4, '4 CT-4': 5 });
  });

  it('seed needs CT-23 and says which folders it found', async () => {
    await expect(resolveClassMapping(root, 'seed')).rejects.toThrow(
      `${root}: --classes seed needs folder(s) CT-23 (looked for CT-0, CT-23; found CT-0)`,
    );
  });

  it('missing folders: severity closes the gaps in order, binary names what is there', async () => {
    const sev = await resolveClassMapping(partial, 'severity');
    expect(sev.classes).toEqual({ 'CT-0': 0, 'CT-1': 1, 'CT-3': 2 });
    expect(sev.classNames).toEqual(['CT-0', 'CT-1', 'CT-3']);
    const { scans } = await discoverScans(partial, sev);
    expect(labelCounts(scans)).toEqual({ '0 CT-0': 1, '1 CT-1': 2, '2 CT-3': 3 });
    const bin = await resolveClassMapping(partial, 'binary');
    expect(bin.classNames).toEqual(['CT-0', 'CT-1+CT-3']);
  });

  it('refuses presets with too few classes', async () => {
    const only0 = join(partial, 'CT-0');
    await expect(resolveClassMapping(only0, 'binary')).rejects.toThrow(/needs folder\(s\) CT-0/);
    await expect(resolveClassMapping(partial.replace(/$/, '-none'), 'severity')).rejects.toThrow(
      /needs folders for at least 2 classes .*found none/,
    );
  });

  it('keeps explicit maps, where several folders may share a label', async () => {
    const m = await resolveClassMapping(root, 'CT-0=0,CT-1=1,CT-2=2,CT-3=2,CT-4=2');
    expect(m.preset).toBeNull();
    expect(m.classNames).toEqual(['CT-0', 'CT-1', 'CT-2..4']);
    const { scans } = await discoverScans(root, m);
    expect(labelCounts(scans)).toEqual({ '0 CT-0': 1, '1 CT-1': 2, '2 CT-2..4': 12 });
    // without classNames, discoverScans names merged labels itself
    const plain = await discoverScans(root, { classes: { 'CT-0': 0, 'CT-3': 1, 'CT-4': 1 } });
    expect(labelCounts(plain.scans)).toEqual({ '0 CT-0': 1, '1 CT-3..4': 9 });
    expect((await resolveClassMapping(root)).classes).toEqual({ 'CT-0': 0, 'CT-23': 1 });
    await expect(resolveClassMapping(root, 'sevrity')).rejects.toThrow(
      /neither a preset \(seed, binary, severity\)/,
    );
  });
});

describe('class names', () => {
  it('merges folder names', () => {
    expect(mergedClassName(['CT-23'])).toBe('CT-23');
    expect(mergedClassName(['CT-3', 'CT-1', 'CT-2'])).toBe('CT-1..3');
    expect(mergedClassName(['CT-1', 'CT-23'])).toBe('CT-1+CT-23');
    expect(mergedClassName(['a', 'b'])).toBe('a+b');
    expect(classNamesOf({ x: 0, y: 2 })).toEqual(['x', 'class 1', 'y']);
    expect(Object.keys(CLASS_PRESETS)).toEqual(['seed', 'binary', 'severity']);
  });
});
