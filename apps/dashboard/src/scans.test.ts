import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeStage, seedRecipe } from '@ct3d/augment';
import { createRng } from '@ct3d/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanStore } from './scans.js';
import { writeTinyCache } from './test-helpers.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ct3d-scans-'));
  await writeTinyCache(join(root, 'cache'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('ScanStore augmented preview', () => {
  it("is sample n of the recipe's composed augmentation with createRng(n), the load workers' function", async () => {
    const augment = [{ name: 'RandShiftIntensity', prob: 1, offsets: [0.1, 0.2] }];
    const store = new ScanStore(join(root, 'cache'), 6, augment);
    const raw = await store.volume('normal-1', 0);
    const shown = await store.volume('normal-1', 3);
    expect(shown.data).toEqual(composeStage({ augment }, 'augment').apply(raw, createRng(3)).data);
    expect(shown.data).not.toEqual(raw.data);
  });

  it("defaults to the seed preset's rotation", async () => {
    const store = new ScanStore(join(root, 'cache'));
    const raw = await store.volume('abnormal-1', 0);
    const want = composeStage(seedRecipe(), 'augment').apply(raw, createRng(2));
    expect((await store.volume('abnormal-1', 2)).data).toEqual(want.data);
  });
});
