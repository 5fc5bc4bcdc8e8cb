import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const PKG = fileURLToPath(new URL('..', import.meta.url));
const MARK = '<!-- example: runs in tests/packaging -->';
// The README's recipe and new-transform examples (the rotation one needs @ct3d/io, run by tests/packaging).
const blocks = readFileSync(join(PKG, 'README.md'), 'utf8')
  .split(MARK)
  .slice(1)
  .map((part) => /^\s*```js\n([\s\S]*?)\n```/.exec(part)?.[1] ?? '')
  .filter((code) => !code.includes('@ct3d/io'));

/** Runs a README block as written with plain node (+ tsx for the TypeScript sources) inside this package. */
async function runBlock(code: string): Promise<{ code: number | null; out: string }> {
  const dir = await mkdtemp(join(PKG, '.readme-'));
  try {
    await writeFile(join(dir, 'example.mjs'), code);
    const tsx = createRequire(import.meta.url).resolve('tsx');
    const r = spawnSync(process.execPath, ['--import', pathToFileURL(tsx).href, 'example.mjs'], {
      cwd: dir,
      encoding: 'utf8',
    });
    return { code: r.status, out: r.stdout + r.stderr };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('README examples', () => {
  it('has the recipe and the new-transform examples', () => expect(blocks).toHaveLength(2));

  it('the recipe example prints what its comments say', async () => {
    const r = await runBlock(blocks[0]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toBe(
      '[ 32, 32, 16 ] true\n{"name":"RandFlip","prob":0.5,"spatial_axis":[0]}\ntrue\n' +
        'my-recipe.json: augment[0] RandFlip: prob must be a finite number in [0, 1], got 2\n',
    );
  });

  it('the new-transform example inverts the volume', async () => {
    const r = await runBlock(blocks[1]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toBe('[ 1, 0.75, 0, 0.5 ]\n');
  });
});
