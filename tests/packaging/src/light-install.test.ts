// `npm install @ct3d/model` is light and runs nothing: its dependency closure (webgpu, i.e. Dawn's binaries
// for 5 platforms and an install script, is an optional peer) stays under 130 MB, and no package in it has an
// install script; without webgpu, initBackend('webgpu') says how to add it. Also the install size of each
// package's closure in the consumer project, printed for the record.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { REPO } from './consumer-project.js';
import { runNode } from './run-node.js';

const { dir, packed } = inject('consumer');
const run = promisify(execFile);
const MB = 1e6;
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'];

interface Installed {
  dir: string;
  name: string;
  bytes: number;
  dependencies: string[];
  scripts: string[];
}

/** Every package under `modules` (nested node_modules too): its own bytes, its run-time deps, its install scripts. */
async function installedPackages(modules: string): Promise<Installed[]> {
  const out: Installed[] = [];
  const visit = async (pkgDir: string): Promise<void> => {
    const pkg = JSON.parse(await readFile(join(pkgDir, 'package.json'), 'utf8'));
    const optionalPeers = new Set(
      Object.entries(pkg.peerDependenciesMeta ?? {})
        .filter(([, m]) => (m as { optional?: boolean }).optional)
        .map(([n]) => n),
    );
    const peers = Object.keys(pkg.peerDependencies ?? {}).filter((n) => !optionalPeers.has(n));
    let bytes = 0;
    for (const e of await readdir(pkgDir, { recursive: true, withFileTypes: true })) {
      const path = join(e.parentPath, e.name);
      if (path.includes(`${pkgDir}/node_modules/`) || !e.isFile()) continue;
      bytes += (await stat(path)).size;
    }
    out.push({
      dir: pkgDir,
      name: pkg.name,
      bytes,
      dependencies: [...Object.keys(pkg.dependencies ?? {}), ...peers],
      scripts: INSTALL_SCRIPTS.filter((s) => pkg.scripts?.[s]),
    });
    await walk(join(pkgDir, 'node_modules'));
  };
  const walk = async (folder: string): Promise<void> => {
    for (const e of await readdir(folder, { withFileTypes: true }).catch(() => [])) {
      if (!e.isDirectory() || e.name.startsWith('.')) continue;
      if (e.name.startsWith('@')) {
        for (const s of await readdir(join(folder, e.name), { withFileTypes: true })) {
          if (s.isDirectory()) await visit(join(folder, e.name, s.name));
        }
      } else await visit(join(folder, e.name));
    }
  };
  await walk(modules);
  return out;
}

/** The packages `name` needs at run time, resolved as Node does (nearest node_modules upwards). */
function closure(all: Installed[], modules: string, name: string): Installed[] {
  const byDir = new Map(all.map((p) => [p.dir, p]));
  const resolve = (from: string, dep: string): Installed | undefined => {
    for (let d = from; d.startsWith(modules); d = dirname(d)) {
      const hit = byDir.get(basename(d) === 'node_modules' ? join(d, dep) : join(d, 'node_modules', dep));
      if (hit) return hit;
    }
    return undefined;
  };
  const seen = new Map<string, Installed>();
  const stack = [byDir.get(join(modules, name))!];
  while (stack.length > 0) {
    const p = stack.pop()!;
    if (seen.has(p.dir)) continue;
    seen.set(p.dir, p);
    for (const dep of p.dependencies) {
      const hit = resolve(p.dir, dep);
      if (hit) stack.push(hit);
    }
  }
  return [...seen.values()];
}

const sum = (ps: Installed[]) => ps.reduce((s, p) => s + p.bytes, 0);

describe('a light @ct3d/model install', () => {
  let project: string;
  afterAll(() => (project ? rm(dirname(project), { recursive: true, force: true }) : undefined));

  it('`npm install @ct3d/model` alone: under 130 MB, no webgpu, no install script', async () => {
    project = join(await mkdtemp(join(tmpdir(), 'ct3d-model-only-')), 'project');
    await mkdir(project);
    await writeFile(
      join(project, 'package.json'),
      '{ "name": "model-only", "private": true, "type": "module" }\n',
    );
    const tarballs = packed.filter((p) => ['packages/core', 'packages/model'].includes(p.folder));
    const npm = await run('npm', ['install', '--no-audit', '--no-fund', ...tarballs.map((p) => p.tarball)], {
      cwd: project,
      maxBuffer: 1 << 24,
    });
    // npm 11 lists packages whose install scripts it ran (or would run) under "install-scripts".
    expect(`${npm.stdout}\n${npm.stderr}`).not.toMatch(/install.scripts/i);
    const modules = join(project, 'node_modules');
    const all = await installedPackages(modules);
    expect(all.map((p) => p.name)).not.toContain('webgpu');
    expect(all.filter((p) => p.scripts.length > 0).map((p) => `${p.name}: ${p.scripts}`)).toEqual([]);
    const bytes = sum(all);
    console.log(`npm install @ct3d/model: ${all.length} packages, ${(bytes / MB).toFixed(1)} MB`);
    expect(bytes).toBeLessThan(130 * MB);
    expect(sum(closure(all, modules, '@ct3d/model'))).toBe(bytes);
  });

  it("without webgpu, initBackend('webgpu') says how to add it in one line; 'auto' settles on wasm", async () => {
    const script = [
      "import { initBackend } from '@ct3d/model';",
      "const auto = await initBackend('auto');",
      "const err = await initBackend('webgpu').then(() => 'chosen', (e) => e.message);",
      'console.log(JSON.stringify({ auto: auto.name, rejected: auto.rejected, err }));',
    ].join('\n');
    const r = await runNode(project, ['--input-type=module', '-e', script], {}, 120_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout.trim()) as { auto: string; rejected: string[]; err: string };
    const missing = 'the optional webgpu package (Dawn) is not installed: add it with `npm install webgpu`';
    expect(out.err).toBe(`backend 'webgpu' unavailable: ${missing}`);
    expect(out.auto).toBe('wasm');
    expect(out.rejected).toContain(`webgpu: ${missing}`);
  });

  it('each package closure in the consumer project: sizes printed, none holds webgpu', async () => {
    const modules = join(dir, 'node_modules');
    const all = await installedPackages(modules);
    const lines: string[] = [];
    for (const { folder } of packed) {
      const { name } = JSON.parse(await readFile(join(REPO, folder, 'package.json'), 'utf8')) as {
        name: string;
      };
      const deps = closure(all, modules, name);
      expect(deps.map((p) => p.name)).not.toContain('webgpu');
      lines.push(`${name} ${(sum(deps) / MB).toFixed(1)} MB (${deps.length} packages)`);
    }
    console.log(
      `install size per package (closure): ${lines.join('; ')}; whole project ${(sum(all) / MB).toFixed(1)} MB`,
    );
  });
});
