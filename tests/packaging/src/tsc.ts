// Runs the workspace's TypeScript compiler on a project written into the consumer folder.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/** Writes `name`.json (a tsconfig) in `dir`, runs `tsc -p` on it with `flags`; returns its output lines. */
export async function tscLines(
  dir: string,
  name: string,
  config: object,
  flags: string[] = [],
): Promise<string[]> {
  const path = join(dir, `${name}.json`);
  await writeFile(path, JSON.stringify(config));
  const out = await new Promise<string>((resolve) => {
    execFile(
      process.execPath,
      [TSC, '-p', path, ...flags],
      { cwd: dir, maxBuffer: 1 << 26 },
      (_err, stdout, stderr) => resolve(stdout + stderr),
    );
  });
  return out.split('\n').filter(Boolean);
}
