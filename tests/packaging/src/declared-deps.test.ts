// Each package declares exactly what it imports: run-time imports in `dependencies` or `peerDependencies` (what
// the user provides: rxjs where it crosses the API, the optional webgpu), each peer also a devDependency for the
// workspace's own tests, test-only imports in `devDependencies`, nothing unused; only dist and LICENSE ship.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PUBLISHED, REPO } from './consumer-project.js';

const TEST_FILE = /\.test\.ts$|(^|\/)test-[^/]*(\/|$)|(^|\/)testing\.ts$/;
const BUNDLED = /^src\/page\//;
/** Packages a package may declare without importing them: types-only packages, tools run by scripts. */
const TOOLS = new Set(['tsx', 'vitest', 'typescript', 'esbuild', 'playwright-core']);

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await sourceFiles(path)));
    else if (/\.(ts|js|mjs)$/.test(e.name)) out.push(path);
  }
  return out;
}

/** Bare package names the files import or resolve (static and dynamic imports, `require.resolve`). */
async function importedPackages(files: string[]): Promise<Set<string>> {
  const names = new Set<string>();
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    const specifiers =
      /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s+'([^'.][^']*)'|(?:^|\n)\s*import\s+'([^'.][^']*)'|(?:import|resolve)\('([^'.][^']*)'\)/g;
    for (const m of text.matchAll(specifiers)) {
      const spec = m[1] ?? m[2] ?? m[3];
      // node: built-ins and the package's own `imports` (#platform) are not dependencies.
      if (spec.startsWith('node:') || spec.startsWith('#')) continue;
      names.add(
        spec
          .split('/')
          .slice(0, spec.startsWith('@') ? 2 : 1)
          .join('/'),
      );
    }
  }
  return names;
}

describe('declared dependencies', () => {
  for (const folder of PUBLISHED) {
    it(`${folder}: dependencies = run-time imports; devDependencies cover the tests`, async () => {
      const root = join(REPO, folder);
      const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
      const all = await sourceFiles(join(root, 'src'));
      // src/page/ is bundled into dist by the build (@ct3d/web's page): its imports are build-time ones.
      const bundled = all.filter((f) => BUNDLED.test(relative(root, f)));
      const runtime = all.filter((f) => !TEST_FILE.test(relative(root, f)) && !bundled.includes(f));
      const used = await importedPackages(runtime);
      // tsx loads the TypeScript workers only when running from this repository's sources: a dev dependency.
      used.delete('tsx');
      // @types/node is a types-only peer (where the declarations need Node's types): nothing imports it.
      const peers = Object.keys(pkg.peerDependencies ?? {}).filter((n) => n !== '@types/node');
      const deps = Object.keys(pkg.dependencies ?? {});
      // '@tensorflow/tfjs-node(-gpu)' are optional: loaded by a computed specifier, never declared.
      expect([...deps, ...peers].sort()).toEqual([...used].sort());
      expect(peers.filter((n) => deps.includes(n) || !pkg.devDependencies?.[n])).toEqual([]);
      const testUsed = await importedPackages(
        all.filter((f) => TEST_FILE.test(relative(root, f)) || bundled.includes(f)),
      );
      const declared = new Set([...deps, ...Object.keys(pkg.devDependencies ?? {}), ...TOOLS]);
      expect([...testUsed].filter((n) => !declared.has(n) && n !== pkg.name)).toEqual([]);
      // dist, LICENSE, and the TypeScript sources its declaration maps point at (no tests, helpers or fixtures).
      const sources = [
        'src',
        '!src/**/*.test.ts',
        '!src/**/test-*',
        '!src/**/testing.ts',
        '!src/**/fixtures',
      ];
      const expected =
        folder === 'apps/cli'
          ? ['dist', 'LICENSE']
          : [
              'dist',
              ...(folder === 'apps/dashboard' ? ['public'] : []),
              'LICENSE',
              ...sources,
              // The kernels' .wasm builds ship once, in dist.
              ...(folder === 'packages/model' ? ['!src/**/*.wasm'] : []),
            ];
      expect(pkg.files).toEqual(expected);
    });
  }
});
