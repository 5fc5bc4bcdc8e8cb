// Packs every @ct3d package as `pnpm pack` does for publishing and installs the tarballs with plain npm into
// an empty project outside the workspace: no workspace links, no tsx, only what the tarballs declare.
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CONSUMER_FILES = join(REPO, 'tests', 'packaging', 'consumer');

/** Workspace folders of the published packages, dependencies first. */
export const PUBLISHED = [
  'packages/core',
  'packages/io',
  'packages/preprocess',
  'packages/augment',
  'packages/pipeline',
  'packages/model',
  'packages/train',
  'packages/web',
  'apps/dashboard',
  'apps/cli',
];

export interface PackedPackage {
  folder: string;
  tarball: string;
  bytes: number;
}

export interface ConsumerProject {
  dir: string;
  packed: PackedPackage[];
  packMs: number;
  installMs: number;
}

const run = promisify(execFile);

async function assertBuilt(folder: string): Promise<void> {
  const entry = join(REPO, folder, 'dist', folder === 'apps/cli' ? 'main.js' : 'index.js');
  if (!(await stat(entry).catch(() => null))) {
    throw new Error(`${entry} is missing: run \`npx -y pnpm@12.4.2 build\` first (the test line does)`);
  }
}

async function packAll(outDir: string): Promise<PackedPackage[]> {
  const packed: PackedPackage[] = [];
  for (const folder of PUBLISHED) {
    await assertBuilt(folder);
    const before = new Set(await readdir(outDir));
    await run('npx', ['-y', 'pnpm@12.4.2', 'pack', '--pack-destination', outDir], {
      cwd: join(REPO, folder),
    });
    const tarball = (await readdir(outDir)).find((f) => !before.has(f));
    if (!tarball) throw new Error(`pnpm pack in ${folder} wrote no tarball`);
    const path = join(outDir, tarball);
    packed.push({ folder, tarball: path, bytes: (await stat(path)).size });
  }
  return packed;
}

/**
 * Packs, then installs the tarballs into a new temp project, with what a user adds as their READMEs say: rxjs
 * (a peer of the packages whose API speaks Observables) and @types/node (for the TypeScript checks).
 */
export async function createConsumerProject(): Promise<ConsumerProject> {
  const root = await mkdtemp(join(tmpdir(), 'ct3d-consumer-'));
  const tarballs = join(root, 'tarballs');
  const dir = join(root, 'project');
  await mkdir(tarballs);
  await mkdir(dir);
  const t0 = performance.now();
  const packed = await packAll(tarballs);
  const packMs = performance.now() - t0;
  const pkg = { name: 'ct3d-consumer', private: true, type: 'module' };
  await writeFile(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  // Folders too: data/dicom is the small DICOM folder the io README's example reads (a JPEG-LS series, a
  // localizer, an SR and a SEG: packages/io/src/dicom/test-series.py extras, then dcmtk's dcmcjpls).
  await cp(CONSUMER_FILES, dir, { recursive: true });
  const t1 = performance.now();
  await run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      ...packed.map((p) => p.tarball),
      'rxjs@7',
      '@types/node@20',
    ],
    { cwd: dir, maxBuffer: 1 << 24 },
  );
  return { dir, packed, packMs, installMs: performance.now() - t1 };
}
