// exportWebApp's guards: what it replaces, what it refuses, and that it never leaves a half-written folder.
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSeedModel, saveModel } from '@ct3d/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportWebApp } from './export.js';

let root: string;
let runDir: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ct3d-web-export-'));
  runDir = join(root, 'run');
  const model = buildSeedModel({ width: 16, height: 16, depth: 16, filters: [4, 8], denseUnits: 8, seed: 1 });
  await saveModel(model, join(runDir, 'model'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('exportWebApp', () => {
  it('writes the page, the final model when there is no best/, and replaces an earlier export', async () => {
    const out = join(root, 'site');
    const first = await exportWebApp({ runDir, outDir: out, maxScanBytes: 2 ** 30 });
    expect(first.manifest).toMatchObject({ run: 'run', checkpoint: 'model', maxScanBytes: 2 ** 30 });
    expect(first.files).toEqual(
      expect.arrayContaining(['index.html', 'wasm/winograd.wasm', 'model/weights.bin']),
    );
    await writeFile(join(out, 'stale.txt'), 'from an older export');
    const again = await exportWebApp({ runDir, outDir: out });
    expect(again.files).not.toContain('stale.txt');
    expect((await readdir(root)).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('refuses a file or a foreign folder as --out and leaves them as they were', async () => {
    const file = join(root, 'notes.txt');
    await writeFile(file, 'mine');
    await expect(exportWebApp({ runDir, outDir: file })).rejects.toThrow('exists and is not a folder');
    expect(await readFile(file, 'utf8')).toBe('mine');
    const folder = join(root, 'photos');
    await mkdir(folder);
    await writeFile(join(folder, 'cat.jpg'), 'meow');
    await expect(exportWebApp({ runDir, outDir: folder })).rejects.toThrow('not an earlier export');
    expect(await readdir(folder)).toEqual(['cat.jpg']);
  });

  it('refuses a run whose model folder holds a link out of it, and writes nothing', async () => {
    const linked = join(root, 'linked-run');
    const model = buildSeedModel({
      width: 16,
      height: 16,
      depth: 16,
      filters: [4, 8],
      denseUnits: 8,
      seed: 2,
    });
    await saveModel(model, join(linked, 'model'));
    await writeFile(join(root, 'secret.txt'), 'not for the web');
    await symlink(join(root, 'secret.txt'), join(linked, 'model', 'notes.txt'));
    const out = join(root, 'site-linked');
    await expect(exportWebApp({ runDir: linked, outDir: out })).rejects.toThrow(
      `${join(linked, 'model', 'notes.txt')}: a link out of the run's model folder; not exported (copy the file there instead)`,
    );
    expect((await readdir(root)).filter((f) => f.startsWith('site-linked'))).toEqual([]);
  });

  it('names the run folder that has no trained model', async () => {
    await mkdir(join(root, 'empty-run'));
    await expect(exportWebApp({ runDir: join(root, 'empty-run'), outDir: join(root, 'x') })).rejects.toThrow(
      /empty-run: no trained model/,
    );
  });
});
