import { seedRecipe } from '@ct3d/augment';
import { describe, expect, it } from 'vitest';
import { checkpointFolder, newestFirst, parseRunPlan, type RunPlan } from './run-plan.js';

const plan: RunPlan = {
  format: 'ct3d-train-page-run',
  version: 1,
  runId: 'r1',
  where: 'data',
  startedAt: '2026-01-01T00:00:00.000Z',
  settings: {
    size: [16, 16, 8],
    epochs: 2,
    seed: 4,
    preset: 'seed',
    filters: [2],
    batchSize: 2,
    backend: 'wasm',
  },
  classNames: ['CT-0', 'CT-23'],
  recipe: seedRecipe([16, 16, 8]),
  scans: [
    { id: 'CT-0/a.nii.gz', source: 'CT-0/a.nii.gz', label: 0, shape: [16, 16, 8] },
    { id: 'CT-23/b.nii.gz', source: 'CT-23/b.nii.gz', label: 1, shape: [16, 16, 8] },
  ],
  volumes: { 'CT-0/a.nii.gz': 'scan-00000.vol', 'CT-23/b.nii.gz': 'scan-00001.vol' },
};

describe('run plan', () => {
  it('reads back what was written', () => {
    expect(parseRunPlan(JSON.stringify(plan), 'plan.json')).toEqual(plan);
  });

  it('refuses in one line naming the file what is no plan or misses a volume or class', () => {
    expect(() => parseRunPlan('{"format":', 'r/plan.json')).toThrow(/^r\/plan\.json: invalid JSON \(/);
    expect(() => parseRunPlan('{}', 'r/plan.json')).toThrow('r/plan.json: not a training-page run plan');
    const noVolume = { ...plan, volumes: { 'CT-0/a.nii.gz': 'scan-00000.vol' } };
    expect(() => parseRunPlan(JSON.stringify(noVolume), 'p')).toThrow('p: CT-23/b.nii.gz: no volume file');
    const badLabel = { ...plan, scans: [{ ...plan.scans[0], label: 2 }] };
    expect(() => parseRunPlan(JSON.stringify(badLabel), 'p')).toThrow(
      'p: CT-0/a.nii.gz: label 2 names no class',
    );
    const badShape = { ...plan, scans: [{ ...plan.scans[0], shape: [16, 16] }] };
    expect(() => parseRunPlan(JSON.stringify(badShape), 'p')).toThrow(
      'p: CT-0/a.nii.gz: shape is not 3 positive integers',
    );
  });

  it('names checkpoint folders by epoch and finds the newest, ignoring other entries', () => {
    expect(checkpointFolder(3)).toBe('epoch-0003');
    expect(newestFirst(['epoch-0002', 'x', 'epoch-0010', 'epoch-0003.crswap', 'epoch-0001'])).toEqual([
      { name: 'epoch-0010', epoch: 10 },
      { name: 'epoch-0002', epoch: 2 },
      { name: 'epoch-0001', epoch: 1 },
    ]);
  });
});
