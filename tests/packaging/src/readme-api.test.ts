// What each published README promises, checked against the installed tarballs: every name its `## API`
// section lists is exported (as a value or a type) by the entry point it is listed under, as TypeScript
// resolves that entry from the packed .d.ts files; its relative links lead to a file in the package or in
// the repository; its tables render; it opens with `npm install` naming the peer dependencies, then an
// example; it shows no repository-only `pnpm <script>`.
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { PUBLISHED, REPO } from './consumer-project.js';
import { brokenTableRows, EXAMPLE_LANGS, type Readme, readReadme, relativeLinks } from './readme-blocks.js';

const { dir } = inject('consumer');
const readmes = new Map<string, Readme>();
let exportsOf: (specifier: string) => Set<string> | undefined;

interface Manifest {
  name: string;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const manifest = async (folder: string): Promise<Manifest> =>
  JSON.parse(await readFile(join(REPO, folder, 'package.json'), 'utf8')) as Manifest;

beforeAll(async () => {
  for (const folder of PUBLISHED) readmes.set(folder, await readReadme(folder));
  const specifiers = [...new Set([...readmes.values()].flatMap((r) => r.api.map((e) => e.specifier)))];
  // One probe file importing every listed entry, resolved as a NodeNext project resolves it.
  const probe = join(dir, 'readme-api-probe.mts');
  await writeFile(probe, specifiers.map((s, i) => `import * as m${i} from '${s}';\n`).join(''));
  const program = ts.createProgram([probe], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    types: ['node'],
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(probe)!;
  const bySpecifier = new Map<string, Set<string>>();
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const module = checker.getSymbolAtLocation(statement.moduleSpecifier);
    if (!module) continue;
    bySpecifier.set(
      statement.moduleSpecifier.text,
      new Set(checker.getExportsOfModule(module).map((s) => s.name)),
    );
  }
  exportsOf = (specifier) => bySpecifier.get(specifier);
}, 120_000);

describe('README promises', () => {
  for (const folder of PUBLISHED) {
    it(`${folder}/README.md names only exported API, links only to what exists, renders its tables`, async () => {
      const readme = readmes.get(folder)!;
      const { name, peerDependencies = {}, peerDependenciesMeta = {} } = await manifest(folder);
      const where = `${folder}/README.md`;

      if (folder !== 'apps/cli')
        expect(readme.api.length, `${where} has no "## API" list`).toBeGreaterThan(0);
      const missing: string[] = [];
      for (const entry of readme.api) {
        expect(
          entry.specifier === name || entry.specifier.startsWith(`${name}/`),
          `${where}:${entry.line}`,
        ).toBe(true);
        const exported = exportsOf(entry.specifier);
        expect(exported, `${where}:${entry.line}: ${entry.specifier} does not resolve`).toBeDefined();
        for (const n of entry.names)
          if (!exported!.has(n)) missing.push(`${entry.specifier} ${n} (line ${entry.line})`);
      }
      expect(missing, `${where} names what its entry points do not export`).toEqual([]);

      // Opens with the install line (required peer dependencies named), then an example; optional peers
      // (webgpu, @types/node) are named somewhere in the README, with what they are for.
      const [install, example] = readme.blocks;
      expect(install?.lang, `${where}: the first block is the install command`).toBe('sh');
      const words = install.code.split(/\s+/);
      expect(install.code.startsWith('npm install '), `${where}: ${install.code}`).toBe(true);
      const peers = Object.keys(peerDependencies);
      const optional = peers.filter((dep) => peerDependenciesMeta[dep]?.optional);
      for (const dep of [name, ...peers.filter((dep) => !optional.includes(dep))])
        expect(words, `${where} install line`).toContain(dep);
      for (const dep of optional)
        expect(readme.text, `${where} names its optional peer`).toContain(`\`${dep}\``);
      const exampleLangs = folder === 'apps/cli' ? ['sh'] : EXAMPLE_LANGS;
      expect(exampleLangs, `${where}: the second block is an example`).toContain(example?.lang);

      const installed = join(dir, 'node_modules', name);
      const broken = relativeLinks(readme.text)
        .filter(({ target }) => {
          const inRepo = resolve(REPO, folder, decodeURI(target));
          const inPackage = relative(join(REPO, folder), inRepo);
          // A file of the package folder must ship in the tarball; anything else must be in the repository.
          return inPackage.startsWith('..') ? !existsSync(inRepo) : !existsSync(join(installed, inPackage));
        })
        .map(({ target, line }) => `line ${line}: ${target}`);
      expect(broken, `${where} links to files that do not exist (or are not in the tarball)`).toEqual([]);
      expect(brokenTableRows(readme.text), `${where} table rows with the wrong cell count`).toEqual([]);

      const scripts = Object.keys(
        (
          JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as {
            scripts: Record<string, string>;
          }
        ).scripts,
      );
      const repoOnly = scripts.filter((s) => new RegExp(`pnpm\\s+(run\\s+)?${s}\\b`).test(readme.text));
      expect(repoOnly, `${where} shows repository-only scripts to npm users`).toEqual([]);
    });
  }

  it('docs/*.md, where the READMEs send readers: relative links exist, tables render', async () => {
    const docs = (await readdir(join(REPO, 'docs'))).filter((f) => f.endsWith('.md'));
    expect(docs.length).toBeGreaterThan(0);
    for (const file of docs) {
      const text = await readFile(join(REPO, 'docs', file), 'utf8');
      const broken = relativeLinks(text).filter(
        ({ target }) => !existsSync(resolve(REPO, 'docs', decodeURI(target))),
      );
      expect(broken, `docs/${file} links to files that do not exist`).toEqual([]);
      expect(brokenTableRows(text), `docs/${file} table rows with the wrong cell count`).toEqual([]);
    }
  });
});
