// Every fenced block of every published package's README, in the project that installed the tarballs:
// ```js and ```ts blocks are type-checked together by tsc (strict; checkJs for js) against the packed .d.ts
// files, then run in order, one README after another as a reader would, with plain node (a ts block runs
// as tsc emitted it); ```sh, ```console and ```text blocks are transcripts, shown and not run. Any other
// block fails: each one must say which it is. An example that drifts from the API fails here.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { PUBLISHED } from './consumer-project.js';
import { EXAMPLE_LANGS, type Readme, readReadme, TRANSCRIPT_LANGS } from './readme-blocks.js';
import { runNode } from './run-node.js';

const { dir } = inject('consumer');
const SRC = 'readme-examples';
const OUT = 'readme-examples-out';

interface Example {
  /** The block as written, under SRC: `<package>-<n>.mjs` or `.mts`. */
  file: string;
  /** What node runs: the .mjs as written, or tsc's output for a .mts. */
  run: string;
  line: number;
}

const readmes = new Map<string, Readme>();
const examples = new Map<string, Example[]>();
let diagnostics: string[] = [];

beforeAll(async () => {
  await mkdir(join(dir, SRC), { recursive: true });
  for (const folder of PUBLISHED) {
    const readme = await readReadme(folder);
    readmes.set(folder, readme);
    const list: Example[] = [];
    for (const block of readme.blocks.filter((b) => (EXAMPLE_LANGS as readonly string[]).includes(b.lang))) {
      const name = `${basename(folder)}-${list.length + 1}`;
      const file = `${name}.${block.lang === 'ts' ? 'mts' : 'mjs'}`;
      await writeFile(join(dir, SRC, file), `${block.code}\n`);
      list.push({
        file,
        run: block.lang === 'ts' ? join(OUT, `${name}.mjs`) : join(SRC, file),
        line: block.line,
      });
    }
    examples.set(folder, list);
  }
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      allowJs: true,
      checkJs: true,
      skipLibCheck: true,
      types: ['node'],
      lib: ['ES2023', 'DOM'],
      rootDir: SRC,
      outDir: OUT,
    },
    include: [`${SRC}/*.mts`, `${SRC}/*.mjs`],
  };
  await writeFile(join(dir, 'tsconfig.readme.json'), JSON.stringify(tsconfig));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const out = await new Promise<string>((resolve) => {
    execFile(process.execPath, [tsc, '-p', 'tsconfig.readme.json'], { cwd: dir }, (_err, stdout, stderr) =>
      resolve(stdout + stderr),
    );
  });
  diagnostics = out.split('\n').filter((l) => /error TS/.test(l));
}, 300_000);

describe('README code blocks', () => {
  for (const folder of PUBLISHED) {
    it(`${folder}/README.md: every block is a transcript or an example that type-checks and runs`, async () => {
      const readme = readmes.get(folder)!;
      const known = [...EXAMPLE_LANGS, ...TRANSCRIPT_LANGS] as readonly string[];
      const unmarked = readme.blocks.filter((b) => !known.includes(b.lang)).map((b) => `line ${b.line}`);
      expect(unmarked, `blocks without js/ts/sh/console/text in ${folder}/README.md`).toEqual([]);
      const list = examples.get(folder)!;
      const ours = diagnostics.filter((d) => list.some((e) => d.startsWith(`${SRC}/${e.file}`)));
      expect(ours, `type errors (${SRC}/<package>-<n> is the README's n-th example)`).toEqual([]);
      for (const example of list) {
        const r = await runNode(dir, [example.run]);
        expect(r.code, `${folder}/README.md example at line ${example.line}:\n${r.stderr}`).toBe(0);
        expect(r.stdout.trim().length, `example at line ${example.line} printed nothing`).toBeGreaterThan(0);
      }
    });
  }

  it('the examples cover every package README but the CLI (whose usage is a shell transcript)', () => {
    const without = PUBLISHED.filter((f) => f !== 'apps/cli' && examples.get(f)!.length === 0);
    expect(without).toEqual([]);
  });
});
