// The store-only zip writer, checked by Info-ZIP's `unzip -t` (CRCs included) and read back by io's extractor.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractZip } from './download/zip-extract.js';
import { zipStore } from './zip-store.js';

const dir = await mkdtemp(join(tmpdir(), 'ct3d-zip-store-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('zipStore', () => {
  it('writes an archive unzip tests clean and extracts to the same bytes and names', async () => {
    const weights = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7919) % 251);
    const zip = zipStore([
      { path: 'run/run.json', data: '{"size":[16,16,8]}\n' },
      { path: 'run/model/weights.bin', data: weights },
      { path: 'run/ünïcode.txt', data: '' },
    ]);
    const file = join(dir, 'run.zip');
    await writeFile(file, zip);
    expect(execFileSync('unzip', ['-t', file], { encoding: 'utf8' })).toContain('No errors detected');
    const out = join(dir, 'out');
    const result = await extractZip({ zipPath: file, outDir: out });
    expect(result.failed).toEqual([]);
    expect(result.extracted).toHaveLength(3);
    expect(await readFile(join(out, 'run', 'run.json'), 'utf8')).toBe('{"size":[16,16,8]}\n');
    expect(new Uint8Array(await readFile(join(out, 'run', 'model', 'weights.bin')))).toEqual(weights);
    expect(await readFile(join(out, 'run', 'ünïcode.txt'), 'utf8')).toBe('');
  });

  it('refuses a path that leaves the archive, naming it', () => {
    expect(() => zipStore([{ path: '../x', data: '' }])).toThrow(
      '../x: not a relative path inside the archive',
    );
    expect(() => zipStore([{ path: '/x', data: '' }])).toThrow('/x: not a relative path');
  });
});
