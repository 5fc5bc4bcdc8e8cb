import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isInsideFolder, realPathOf, type WalkResult, walkFiles } from './folder-walk.js';

let root = '';
const rel = (p: string) => p.slice(root.length + 1);
const summary = (r: WalkResult) => ({
  files: r.files.map(rel),
  skipped: r.skipped.map((s) => [rel(s.path), s.reason.replaceAll(root, '')]),
});

async function files(paths: string[]): Promise<void> {
  for (const f of paths) {
    await mkdir(join(root, f, '..'), { recursive: true });
    await writeFile(join(root, f), 'x');
  }
}

beforeAll(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'ct3d-core-walk-')));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('walkFiles', () => {
  it('skips a link to / (and to any folder or file outside) with a reason, and walks the rest', async () => {
    await files(['data/CT-0/a.nii', 'data/CT-0/sub/b.nii', 'data/CT-23/c.nii', 'elsewhere/x.nii']);
    await symlink('/', join(root, 'data/CT-0/root'));
    await symlink(join(root, 'elsewhere/x.nii'), join(root, 'data/CT-0/x.nii'));
    await symlink(join(root, 'data/CT-23'), join(root, 'data/CT-0/other-class'));
    const walked = await walkFiles(join(root, 'data/CT-0'), {
      within: [join(root, 'data')],
      linkHint: '--follow-links follows it',
    });
    expect(summary(walked)).toEqual({
      files: ['data/CT-0/a.nii', 'data/CT-0/other-class/c.nii', 'data/CT-0/sub/b.nii'],
      skipped: [
        ['data/CT-0/root', 'link to /, outside /data: not followed; --follow-links follows it'],
        [
          'data/CT-0/x.nii',
          'link to /elsewhere/x.nii, outside /data: not followed; --follow-links follows it',
        ],
      ],
    });
    // Without `within`, the walked folder alone is the boundary.
    const alone = await walkFiles(join(root, 'data/CT-0'));
    expect(alone.skipped.map((s) => rel(s.path))).toEqual([
      'data/CT-0/other-class',
      'data/CT-0/root',
      'data/CT-0/x.nii',
    ]);
  });

  it('follows links out when asked, once each: a loop back is skipped, not walked forever', async () => {
    await files(['out-data/CT-0/a.nii', 'pool/p1.nii', 'pool/deep/p2.nii']);
    await symlink(join(root, 'pool'), join(root, 'out-data/CT-0/pool'));
    await symlink(join(root, 'out-data'), join(root, 'pool/deep/back'));
    const walked = await walkFiles(join(root, 'out-data/CT-0'), { followLinks: true });
    expect(summary(walked)).toEqual({
      files: ['out-data/CT-0/a.nii', 'out-data/CT-0/pool/deep/p2.nii', 'out-data/CT-0/pool/p1.nii'],
      skipped: [
        [
          'out-data/CT-0/pool/deep/back/CT-0',
          'symlink loop or second link to the folder /out-data/CT-0, already listed',
        ],
      ],
    });
  });

  it('skips an excluded folder (by real path) with its reason', async () => {
    await files(['ex/CT-0/a.nii', 'ex/CT-0/cache/a-1234.nii']);
    await symlink(join(root, 'ex/CT-0/cache'), join(root, 'ex/CT-0/cache-link'));
    const exclude = new Map([[join(root, 'ex/CT-0/cache'), 'the output folder']]);
    expect(summary(await walkFiles(join(root, 'ex/CT-0'), { exclude }))).toEqual({
      files: ['ex/CT-0/a.nii'],
      skipped: [
        ['ex/CT-0/cache', 'the output folder'],
        ['ex/CT-0/cache-link', 'the output folder'],
      ],
    });
  });

  it('reports a name that is not UTF-8 (a string path would name another file), with the rest listed', async () => {
    await files(['bytes/ok.nii']);
    const bad = Buffer.concat([
      Buffer.from(join(root, 'bytes/bad')),
      Buffer.from([0xff]),
      Buffer.from('.nii'),
    ]);
    await writeFile(bad, 'x');
    expect(summary(await walkFiles(join(root, 'bytes')))).toEqual({
      files: ['bytes/ok.nii'],
      skipped: [
        ['bytes/bad\ufffd.nii', 'its name is not valid UTF-8 (shown with U+FFFD): rename it to read it'],
      ],
    });
  });

  it('reports an unreadable folder by name and walks on (run as a user that permissions apply to)', async () => {
    await files(['locked/CT-0/a.nii', 'locked/CT-0/secret/s.nii', 'locked/CT-0/z/z.nii']);
    await chmod(join(root, 'locked/CT-0/secret'), 0o000);
    await chmod(root, 0o755);
    const result = await walkAsUnprivileged(join(root, 'locked/CT-0'));
    await chmod(join(root, 'locked/CT-0/secret'), 0o755);
    expect(summary(result)).toEqual({
      files: ['locked/CT-0/a.nii', 'locked/CT-0/z/z.nii'],
      skipped: [['locked/CT-0/secret', 'cannot read the folder (EACCES), not walked']],
    });
  });
});

describe('isInsideFolder and realPathOf', () => {
  it('compares whole path segments', () => {
    expect(isInsideFolder('/data', '/data')).toBe(true);
    expect(isInsideFolder('/data', '/data/CT-0/x')).toBe(true);
    expect(isInsideFolder('/data', '/data/..x')).toBe(true);
    expect(isInsideFolder('/data', '/data-2/x')).toBe(false);
    expect(isInsideFolder('/data', '/')).toBe(false);
    expect(isInsideFolder('/', '/proc/1')).toBe(true);
  });
  it('resolves a path that does not exist yet through its nearest existing folder', async () => {
    await mkdir(join(root, 'real-dir'));
    await symlink(join(root, 'real-dir'), join(root, 'link-dir'));
    expect(await realPathOf(join(root, 'link-dir/not/yet'))).toBe(join(root, 'real-dir/not/yet'));
  });
});

/**
 * The walk in a process that folder permissions apply to: as root (CI containers), a child running as
 * nobody, else this process.
 */
async function walkAsUnprivileged(dir: string): Promise<WalkResult> {
  if (process.getuid?.() !== 0) return walkFiles(dir);
  // Root reads any folder: the check only means something where permissions apply.
  expect(await readdir(join(dir, 'secret'))).toEqual(['s.nii']);
  const loader = pathToFileURL(
    join(dirname(createRequire(import.meta.url).resolve('tsx/cli')), 'loader.mjs'),
  ).href;
  const walk = pathToFileURL(fileURLToPath(new URL('./folder-walk.ts', import.meta.url))).href;
  const script = `const { walkFiles } = await import(${JSON.stringify(walk)});
process.stdout.write(JSON.stringify(await walkFiles(${JSON.stringify(dir)})));`;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', loader, '--input-type=module', '-e', script],
    { uid: 65534, gid: 65534, cwd: '/' },
  );
  return JSON.parse(stdout) as WalkResult;
}
