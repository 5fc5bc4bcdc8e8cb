// The .d.ts files ship and resolve: a consumer TypeScript file importing every package's public API
// type-checks against the installed tarballs with a strict NodeNext configuration.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect, inject, it } from 'vitest';

const { dir } = inject('consumer');

it('a TypeScript consumer of every public API type-checks against the packed .d.ts files', async () => {
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      types: ['node'],
      lib: ['ES2023', 'DOM'],
    },
    files: ['api.ts'],
  };
  await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const out = await new Promise<string>((resolve) => {
    execFile(process.execPath, [tsc, '-p', dir], { cwd: dir }, (_err, stdout, stderr) =>
      resolve(stdout + stderr),
    );
  });
  // Every .d.ts is checked; tfjs 4.22's own declarations have errors under strict settings (theirs to fix),
  // so only diagnostics in any other file count.
  const ours = out
    .split('\n')
    .filter((l) => /error TS/.test(l) && !l.startsWith('node_modules/@tensorflow/'));
  expect(ours).toEqual([]);
});
