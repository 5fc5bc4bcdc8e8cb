import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitUtf8, MAX_NAME_BYTES, writeFileAtomic } from './write-atomic.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ct3d-core-atomic-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('writes files whose names use all 255 bytes (the temp name beside them is cut to fit)', async () => {
    const names = ['a'.repeat(MAX_NAME_BYTES), `${'é'.repeat(125)}x.nii`, `${'肺'.repeat(84)}xyz`];
    expect(names.map((n) => Buffer.byteLength(n))).toEqual([255, 255, 255]);
    for (const [i, name] of names.entries()) await writeFileAtomic(join(dir, name), `scan ${i}`);
    for (const [i, name] of names.entries())
      expect(await readFile(join(dir, name), 'utf8')).toBe(`scan ${i}`);
    expect((await readdir(dir)).sort()).toEqual([...names].sort());
  });

  it('fails with the path and the code for a name no file system accepts', async () => {
    const path = join(dir, 'b'.repeat(MAX_NAME_BYTES + 1));
    await expect(writeFileAtomic(path, 'x')).rejects.toMatchObject({ code: 'ENAMETOOLONG' });
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});

describe('fitUtf8', () => {
  it('cuts at whole code points', () => {
    expect(fitUtf8('aé肺🫁', 1)).toBe('a');
    expect(fitUtf8('aé肺🫁', 2)).toBe('a');
    expect(fitUtf8('aé肺🫁', 6)).toBe('aé肺');
    expect(fitUtf8('aé肺🫁', 9)).toBe('aé肺');
    expect(fitUtf8('aé肺🫁', 10)).toBe('aé肺🫁');
  });
});
