// File names with a newline or terminal escape codes cannot split ingest's lines or forge its output.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ct3dNodeArgs, runNode } from './test-support.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ct3d-names-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

it('prints hostile file names escaped, one line per failure', async () => {
  const data = join(dir, 'data');
  await mkdir(join(data, 'CT-0'), { recursive: true });
  await mkdir(join(data, 'CT-23'));
  await writeFile(join(data, 'CT-0', 'x\ningested 99, all OK.nii'), 'not nifti');
  await writeFile(join(data, 'CT-23', '\u001b[2Kred\u001b[31m.nii.gz'), 'not gzip');
  const r = await runNode(
    ct3dNodeArgs(['ingest', data, '--out', join(dir, 'cache'), '--size', '8x8x4', '--workers', '1']),
    {
      ...process.env,
      CI: '1',
    },
  );
  expect(r.code).toBe(1);
  expect(r.stderr).not.toContain('\u001b');
  expect(r.stderr.split('\n').some((l) => l.startsWith('ingested 99'))).toBe(false);
  const failures = r.stderr.split('\n').filter((l) => l.startsWith('failed '));
  expect(failures).toHaveLength(2);
  expect(failures.join('\n')).toContain('x\\u000aingested 99, all OK.nii: ');
  expect(failures.join('\n')).toContain('\\u001b[2Kred\\u001b[31m.nii.gz: ');
}, 60_000);
