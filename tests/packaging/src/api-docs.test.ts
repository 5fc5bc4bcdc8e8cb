// The API reference (`pnpm docs`, TypeDoc over every published entry point, typedoc.config.mjs) builds
// without a warning: every exported function, class, interface, type, constant and method of every entry
// point has a doc comment, and every {@link} resolves.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';
import { REPO } from './consumer-project.js';

it('the TypeDoc API reference of every entry point validates (no undocumented export)', async () => {
  const typedoc = join(
    dirname(createRequire(import.meta.url).resolve('typedoc/package.json')),
    'bin',
    'typedoc',
  );
  const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
    execFile(
      process.execPath,
      [typedoc, '--emit', 'none'],
      { cwd: REPO, env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 1 << 24 },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
  const problems = output.split('\n').filter((l) => /\[(warning|error)\]/.test(l));
  expect(problems).toEqual([]);
  expect(code, output).toBe(0);
});
