import { createRng, type Volume } from '@ct3d/core';
import { processScan } from '@ct3d/preprocess';
import { describe, expect, it } from 'vitest';
// The preprocess package's scipy golden set: the seed preset must reproduce it exactly as processScan does.
import { goldenCases, maxAbsDiff, readF32 } from '../../../preprocess/test/golden.js';
import { f32Volume, goldenInput } from '../../../preprocess/test/volumes.js';
import { augmentCases, randomUnit } from '../../test/golden.js';
import { randomRotation } from '../random-rotation.js';
import { composeRecipe, PRESETS, parseRecipe, resolveRecipe, seedRecipe } from './recipe.js';

describe('the seed preset', () => {
  for (const c of goldenCases()) {
    const size: [number, number, number] = [c.target.width, c.target.height, c.target.depth];
    it(`preprocesses ${c.name} exactly like processScan and the scipy golden`, () => {
      const input = goldenInput(c.input);
      const out = composeRecipe(seedRecipe(size)).preprocess.apply(input);
      const today = processScan(input, { size });
      expect(out.data).toEqual(today.data); // bit for bit
      expect(out.affine).toEqual(today.affine);
      expect(out.spacing).toEqual(today.spacing);
      expect(maxAbsDiff(out.data, readF32(c.processed, out.data.length))).toBeLessThanOrEqual(1e-6);
    });
  }

  it('preprocesses odd nx - ny (the unfused path) like processScan', () => {
    const v = f32Volume('odd.input.f32', [9, 6, 3]);
    const out = composeRecipe(seedRecipe([5, 4, 6])).preprocess.apply(v);
    expect(out.data).toEqual(processScan(v, { size: [5, 4, 6] }).data);
    expect(maxAbsDiff(out.data, readF32('odd.processed.f32', out.data.length))).toBeLessThanOrEqual(1e-6);
  });

  it("augments exactly like today's load worker (randomRotation with createRng(seed))", () => {
    const { augment } = composeRecipe(seedRecipe());
    for (const c of augmentCases().slice(0, 2)) {
      for (const seed of [0, 1, 7, 12345]) {
        const out = augment.apply(c.input, createRng(seed));
        expect(out.data).toEqual(randomRotation(c.input, createRng(seed)).data);
      }
    }
  });
});

describe('recipes', () => {
  it('are JSON: every parameter written out, reloading gives the same recipe', () => {
    const r = resolveRecipe('default', 'x', { size: [8, 8, 4] });
    expect(r.preprocess[2]).toEqual({ name: 'Resize', spatial_size: [8, 8, 4], mode: 'trilinear' });
    expect(r.augment[1]).toEqual({ name: 'RandFlip', prob: 0.5, spatial_axis: [0] });
    expect(parseRecipe(JSON.parse(JSON.stringify(r)), 'again.json')).toEqual(r);
  });

  it('repeat exactly with the same seed and differ with another', () => {
    const { augment } = composeRecipe(resolveRecipe('default', 'x', { size: [8, 8, 4] }));
    const v = randomUnit([12, 10, 8], 3);
    const run = (seed: number): Volume => augment.apply(v, createRng(seed));
    expect(run(5).data).toEqual(run(5).data);
    expect(run(5).data).not.toEqual(run(6).data);
  });

  it('refuse bad entries with one line naming the file, entry and parameter', () => {
    const bad = (recipe: unknown) => () => parseRecipe(recipe, 'r.json', { size: [8, 8, 4] });
    expect(bad({ augment: [{ name: 'RandFlip', prob: 2 }] })).toThrow(
      /^r\.json: augment\[0\] RandFlip: prob must be a finite number in \[0, 1\], got 2$/,
    );
    expect(bad({ augment: [{ name: 'RandFlipp' }] })).toThrow(
      /r\.json: augment\[0\]: unknown transform "RandFlipp"/,
    );
    expect(bad({ augment: [{ name: 'RandFlip', probb: 0.5 }] })).toThrow(
      /augment\[0\] RandFlip: unknown parameter "probb"/,
    );
    expect(bad({ preprocess: [{ name: 'RandFlip' }] })).toThrow(
      /preprocess\[0\] RandFlip: preprocessing must be deterministic/,
    );
    expect(bad({ preprocess: [{ name: 'Resize', spatial_size: [2, 0, 2] }] })).toThrow(
      /spatial_size must be 3 positive integers/,
    );
    expect(bad({ augment: {} })).toThrow(/r\.json: augment must be a list/);
    expect(bad({ steps: [] })).toThrow(/r\.json: unknown key "steps"/);
    expect(() => resolveRecipe('{nope', 'r.json')).toThrow(/^r\.json: not JSON/);
    for (const e of [() => parseRecipe({ augment: [{ name: 'RandFlip', prob: 2 }] }, 'r.json')]) {
      expect(e).toThrow(/^[^\n]*$/);
    }
  });

  it('has the seed and default presets', () => {
    expect(Object.keys(PRESETS).sort()).toEqual(['default', 'seed']);
  });
});
