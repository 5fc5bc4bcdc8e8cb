import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const PKG = fileURLToPath(new URL('..', import.meta.url));
// The README's examples (every ```ts block; tests/packaging also type-checks and runs them against the tarball):
// here each must print exactly what its comments say.
const blocks = [...readFileSync(join(PKG, 'README.md'), 'utf8').matchAll(/```ts\n([\s\S]*?)\n```/g)].map(
  (m) => m[1],
);

/**
 * Runs a README block as written with plain node (+ tsx for the TypeScript sources) inside this package.
 * Asynchronously: a synchronous spawn blocks the test worker, whose messages to vitest then time out under load.
 */
async function runBlock(code: string): Promise<{ code: number | null; out: string }> {
  const dir = await mkdtemp(join(PKG, '.readme-'));
  try {
    await writeFile(join(dir, 'example.ts'), code);
    const tsx = createRequire(import.meta.url).resolve('tsx');
    return await new Promise((resolve) => {
      execFile(
        process.execPath,
        ['--import', pathToFileURL(tsx).href, 'example.ts'],
        { cwd: dir, encoding: 'utf8' },
        (err, stdout, stderr) => {
          const status = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
          resolve({ code: status, out: stdout + stderr });
        },
      );
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('README examples', () => {
  it('has the recipe, the rotation and the new-transform examples', () => expect(blocks).toHaveLength(3));

  it('the recipe example prints what its comments say', async () => {
    const r = await runBlock(blocks[0]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toBe(
      '[ 32, 32, 16 ] true\n{"name":"RandFlip","prob":0.5,"spatial_axis":[0]}\ntrue\n' +
        'my-recipe.json: augment[0] RandFlip: prob must be a finite number in [0, 1], got 2\n',
    );
  });

  it('the rotation example keeps the shape and the [0, 1] range', async () => {
    const r = await runBlock(blocks[1]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toBe('[ 64, 64, 8 ] [ 64, 64, 8 ] true\n');
  });

  it('the new-transform example inverts the volume', async () => {
    const r = await runBlock(blocks[2]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toBe('[ 1, 0.75, 0, 0.5 ]\n');
  });
});
