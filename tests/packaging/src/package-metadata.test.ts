// Each packed tarball carries what npm users expect: the repository's LICENSE, repository (with the package's
// folder), homepage, bugs, engines and keywords; peer dependencies where a package's types need a package the
// user provides (rxjs where its types name rxjs; @types/node, optional, where they need Node's types).
import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { REPO } from './consumer-project.js';
import { tscLines } from './tsc.js';

const { dir, packed } = inject('consumer');
const run = promisify(execFile);

interface Manifest {
  name: string;
  license?: string;
  repository?: { type: string; url: string; directory?: string };
  homepage?: string;
  bugs?: { url: string };
  engines?: { node?: string };
  keywords?: string[];
  exports?: Record<string, unknown>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const tarText = async (tarball: string, path: string) =>
  (await run('tar', ['-xzOf', tarball, `package/${path}`], { maxBuffer: 1 << 26 })).stdout;
const tarFiles = async (tarball: string) =>
  (await run('tar', ['-tzf', tarball], { maxBuffer: 1 << 26 })).stdout.split('\n').filter(Boolean);

/** Packages whose main entry runs in browsers: its types must not need Node's. */
const BROWSER_MAIN = new Set(['@ct3d/core', '@ct3d/io', '@ct3d/preprocess', '@ct3d/augment', '@ct3d/model']);
/** TypeScript's "install @types/node" diagnostics, and a missing `node:` module. */
const NODE_TYPES_MISSING = /error TS(2580|2591)|error TS2307: Cannot find module 'node:/;

/**
 * One type-check (skipLibCheck off, as the strictest users have it; no ambient types) of a file per entry set,
 * with `--explainFiles` giving who imports each file. Returns, per entry file, whether a file it reaches needs
 * Node's types (a node-types diagnostic there, or a file of @types/node). Any other diagnostic outside tfjs' own
 * declarations (which have errors under strict settings) is thrown.
 */
async function nodeTypesNeeded(entries: Map<string, string>): Promise<Map<string, boolean>> {
  for (const [file, text] of entries) await writeFile(join(dir, file), text);
  const config = {
    compilerOptions: {
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      types: [],
      lib: ['ES2023', 'DOM'],
    },
    files: [...entries.keys()],
  };
  const lines = await tscLines(dir, 'tsconfig.entries', config, ['--explainFiles']);
  const needy = new Set<string>();
  const importers = new Map<string, string[]>();
  let current = '';
  for (const line of lines) {
    const error = /^(\S[^(]*)\(\d+,\d+\): (error TS.*)/.exec(line);
    if (error) {
      if (NODE_TYPES_MISSING.test(error[2])) needy.add(error[1]);
      else if (!error[1].startsWith('node_modules/@tensorflow/')) throw new Error(line);
    } else if (!line.startsWith(' ')) {
      current = line;
      if (current.includes('node_modules/@types/node/')) needy.add(current);
    } else {
      const from = / from file '([^']+)'/.exec(line)?.[1];
      if (from) importers.set(current, [...(importers.get(current) ?? []), from]);
    }
  }
  // Walk from each needy file up to the entry files that reach it.
  const reached = new Set<string>();
  const stack = [...needy];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (reached.has(file)) continue;
    reached.add(file);
    stack.push(...(importers.get(file) ?? []));
  }
  return new Map([...entries.keys()].map((file) => [file, reached.has(file)]));
}

/** The text of each .d.ts the package installed in the consumer project. */
async function declarations(name: string): Promise<string[]> {
  const root = join(dir, 'node_modules', name);
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile() && e.name.endsWith('.d.ts'));
  return Promise.all(files.map((e) => readFile(join(e.parentPath, e.name), 'utf8')));
}

describe('published package.json fields and LICENSE', async () => {
  const root = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as Manifest;
  const license = await readFile(join(REPO, 'LICENSE'), 'utf8');
  const web = root.repository!.url.replace(/^git\+/, '').replace(/\.git$/, '');

  for (const { folder, tarball } of packed) {
    it(`${folder}: LICENSE, repository, homepage, bugs, engines, keywords`, async () => {
      expect(await tarFiles(tarball)).toContain('package/LICENSE');
      expect(await tarText(tarball, 'LICENSE')).toBe(license);
      const pkg = JSON.parse(await tarText(tarball, 'package.json')) as Manifest;
      expect(pkg.license).toBe('MIT');
      expect(license.startsWith('MIT License\n')).toBe(true);
      expect(pkg.repository).toEqual({ ...root.repository, directory: folder });
      expect(pkg.homepage).toBe(`${web}/tree/main/${folder}#readme`);
      expect(pkg.bugs).toEqual(root.bugs);
      expect(pkg.engines?.node).toMatch(/^>=20(\.\d+)*$/);
      expect(pkg.keywords).toContain('ct3d');
      expect(pkg.keywords?.length).toBeGreaterThanOrEqual(4);
    });

    it(`${folder}: rxjs is a peer exactly where its types name rxjs`, async () => {
      const pkg = JSON.parse(await tarText(tarball, 'package.json')) as Manifest;
      // The bin-only CLI has no types for anyone to import.
      if (!pkg.exports) return expect(pkg.peerDependencies).toBeUndefined();
      const namesRxjs = (await declarations(pkg.name)).some((t) => /from 'rxjs'|import\("rxjs"\)/.test(t));
      expect(pkg.peerDependencies?.rxjs !== undefined).toBe(namesRxjs);
      expect(pkg.dependencies?.rxjs).toBeUndefined();
    });
  }

  it('@types/node is an optional peer exactly where the types need Node; browser main entries do not', async () => {
    const manifests: Manifest[] = [];
    for (const { tarball } of packed) {
      const pkg = JSON.parse(await tarText(tarball, 'package.json')) as Manifest;
      if (pkg.exports) manifests.push(pkg);
    }
    const importAll = (pkg: Manifest, subpaths: string[]) =>
      `${subpaths.map((sub, i) => `export * as e${i} from '${pkg.name}${sub.slice(1)}';`).join('\n')}\n`;
    const base = (pkg: Manifest) => pkg.name.replace('@ct3d/', '');
    const entries = new Map<string, string>();
    for (const pkg of manifests) {
      entries.set(`entries-${base(pkg)}.ts`, importAll(pkg, Object.keys(pkg.exports ?? {})));
      if (BROWSER_MAIN.has(pkg.name)) entries.set(`entries-${base(pkg)}-main.ts`, importAll(pkg, ['.']));
    }
    const needs = await nodeTypesNeeded(entries);
    const declared = (pkg: Manifest) =>
      pkg.peerDependencies?.['@types/node'] !== undefined &&
      pkg.peerDependenciesMeta?.['@types/node']?.optional === true;
    expect(Object.fromEntries(manifests.map((p) => [p.name, needs.get(`entries-${base(p)}.ts`)]))).toEqual(
      Object.fromEntries(manifests.map((p) => [p.name, declared(p)])),
    );
    expect([...needs].filter(([file, need]) => file.endsWith('-main.ts') && need)).toEqual([]);
  });

  it('@ct3d/model: webgpu (Dawn) is an optional peer, not a dependency', async () => {
    const model = packed.find((p) => p.folder === 'packages/model')!;
    const pkg = JSON.parse(await tarText(model.tarball, 'package.json')) as Manifest;
    expect(pkg.dependencies?.webgpu).toBeUndefined();
    expect(pkg.peerDependencies?.webgpu).toBeDefined();
    expect(pkg.peerDependenciesMeta?.webgpu).toEqual({ optional: true });
  });
});
