import { describe, expect, it } from 'vitest';
import { recordedOptions } from './resume-run.js';
import type { RunInfo } from './run-info.js';

/** A run.json from before --bn-stats: settings held preciseBatchNorm. */
function legacyInfo(preciseBatchNorm: boolean): RunInfo {
  return {
    cacheDir: '/c',
    settings: { batchSize: 2, seed: 1, splitSeed: null, preciseBatchNorm },
    split: { train: ['a', 'b', 'c', 'd', 'e'], val: ['f'] },
  } as unknown as RunInfo;
}

describe('recordedOptions of runs recorded before --bn-stats', () => {
  it('resumes a --precise-bn run over every training batch and a default run with Keras statistics', () => {
    const precise = recordedOptions(legacyInfo(true));
    expect([precise.bnStats, precise.bnStatsBatches]).toEqual(['precise', 3]);
    expect(precise).not.toHaveProperty('preciseBatchNorm');
    const keras = recordedOptions(legacyInfo(false));
    expect([keras.bnStats, keras.bnStatsBatches]).toEqual(['keras', undefined]);
  });
});
