import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRecipe } from '@ct3d/augment';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from './args.js';
import { readRecipeSource } from './recipe-option.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ct3d-recipe-option-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('--transforms', () => {
  it('takes a preset by name and a recipe file by path', async () => {
    expect(await readRecipeSource('default')).toEqual({ name: 'default' });
    const file = join(dir, 'r.json');
    await writeFile(file, '{"augment": [{"name": "RandFlip", "prob": 0.5}]}');
    const recipe = loadRecipe(await readRecipeSource(file), { size: [8, 8, 4] });
    expect(recipe.augment).toEqual([{ name: 'RandFlip', prob: 0.5, spatial_axis: [0, 1, 2] }]);
  });

  it('refuses an unknown preset or unreadable file as a one-line usage error, a bad file naming the entry', async () => {
    const missing = join(dir, 'nope.json');
    const err = await readRecipeSource(missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe(
      `--transforms ${missing}: not a preset (seed, default) and cannot read it (ENOENT)`,
    );
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"augment": [{"name": "RandAffine", "scale_range": [0.1, 0.1]}]}');
    expect(() =>
      loadRecipe({ name: bad, text: '{"augment": [{"name": "RandAffine", "scale_range": [0.1, 0.1]}]}' }),
    ).toThrow(`${bad}: augment[0] RandAffine: scale_range must be 3 finite numbers, got [0.1,0.1]`);
  });
});
