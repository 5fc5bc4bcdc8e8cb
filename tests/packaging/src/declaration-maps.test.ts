// Declaration maps ship: in every installed package with types, each .d.ts has its .d.ts.map, and every map's
// sources are TypeScript files inside the package, so an editor's go-to-definition opens the real source.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { expect, inject, it } from 'vitest';
import { PUBLISHED, REPO } from './consumer-project.js';

const { dir } = inject('consumer');

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

it('every packed .d.ts has a declaration map whose sources ship in the tarball', async () => {
  let maps = 0;
  for (const folder of PUBLISHED.filter((f) => f !== 'apps/cli')) {
    const { name } = JSON.parse(await readFile(join(REPO, folder, 'package.json'), 'utf8')) as {
      name: string;
    };
    const installed = join(dir, 'node_modules', name);
    const declarations = (await filesUnder(join(installed, 'dist'))).filter((f) => f.endsWith('.d.ts'));
    expect(declarations.length, name).toBeGreaterThan(0);
    for (const declaration of declarations) {
      expect(existsSync(`${declaration}.map`), `${relative(dir, declaration)}.map`).toBe(true);
      const map = JSON.parse(await readFile(`${declaration}.map`, 'utf8')) as { sources: string[] };
      for (const source of map.sources) {
        const path = join(dirname(declaration), source);
        expect(relative(installed, path).startsWith('..'), `${source} leaves ${name}`).toBe(false);
        expect(existsSync(path), `${relative(dir, path)} (source of ${relative(dir, declaration)})`).toBe(
          true,
        );
      }
      maps++;
    }
  }
  expect(maps).toBeGreaterThan(100);
});
