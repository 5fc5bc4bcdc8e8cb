// `ct3d export-web --train`: the training page as a static folder (its Chromium tests are @ct3d/web's), and
// the usage lines of a --train with a --run, or of neither.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, ct3dNodeArgs, runNode } from './test-support.js';

const ct3d = (...args: string[]): Promise<CliResult> =>
  runNode(ct3dNodeArgs(args), { ...process.env, CI: '1' });

describe('ct3d export-web --train', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ct3d-export-train-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the training page, says how to serve it, and refuses --run beside --train', async () => {
    const site = join(dir, 'train-site');
    const exported = await ct3d('export-web', '--train', '--out', site);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toMatch(/^Exported the training page to .*train-site: \d+ files, [\d.]+ MiB\n/);
    expect(exported.stdout).toContain('never sent');
    const files = await readdir(site);
    for (const f of [
      'index.html',
      'app.js',
      'worker.js',
      'preprocess-worker.js',
      'conv-worker-browser.js',
      'style.css',
      'wasm',
    ])
      expect(files).toContain(f);
    // Two threads need cross-origin isolation: the output and the folder's README say how.
    expect(exported.stdout).toContain('ct3d serve-web');
    const readme = await readFile(join(site, 'README.md'), 'utf8');
    for (const header of [
      'cross-origin-opener-policy: same-origin',
      'cross-origin-embedder-policy: require-corp',
      'cross-origin-resource-policy: same-origin',
    ])
      expect(readme).toContain(header);
    expect(readme).toMatch(/Without them the page\s+still works.*on one thread/s);
    expect(await readFile(join(site, 'index.html'), 'utf8')).toContain('Your scans never leave this machine');
    // Again over the earlier export: replaced, not refused.
    expect((await ct3d('export-web', '--train', '--out', site)).code).toBe(0);

    const both = await ct3d('export-web', '--train', '--run', dir, '--out', join(dir, 'x'));
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--train writes the training page, which has no run: leave out --run');
    const neither = await ct3d('export-web', '--out', join(dir, 'y'));
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('missing --run <dir>');
  }, 120_000);
});
