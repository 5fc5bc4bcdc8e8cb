import { describe, expect, it } from 'vitest';
import { classSetup } from './class-setup.js';

const of = (labels: number[]) => labels.map((label) => ({ label }));

describe('classSetup', () => {
  it('keeps the seed head for 2 classes and records counts', () => {
    const s = classSetup('cache', { train: of([0, 0, 1, 1, 1]), val: of([0, 1]) }, ['CT-0', 'CT-1..4']);
    expect(s).toEqual({
      count: 2,
      outputUnits: 1,
      names: ['CT-0', 'CT-1..4'],
      trainCounts: [2, 3],
      valCounts: [1, 1],
      classWeight: null,
      weights: null,
      sampling: 'shuffle',
    });
  });

  it('uses a softmax head for k > 2 and balanced weights from the training split', () => {
    const s = classSetup('cache', { train: of([0, 1, 1, 1, 2, 2]), val: of([2]) }, ['a', 'b', 'c'], {
      classWeight: 'balanced',
      sampling: 'balanced',
    });
    expect(s.outputUnits).toBe(3);
    expect(s.weights?.map((w) => Number(w.toFixed(6)))).toEqual([2, 0.666667, 1]); // 6 / (3 * n_c)
    expect(s.sampling).toBe('balanced');
  });

  it('refuses an empty class and bad explicit weights', () => {
    expect(() => classSetup('cache', { train: of([0, 2]), val: of([1]) }, ['CT-0', 'CT-1', 'CT-2'])).toThrow(
      'cache: class 1 (CT-1) has no training scans',
    );
    expect(() => classSetup('cache', { train: of([0, 1]), val: [] }, [], { classWeight: [1] })).toThrow(
      /needs 2 finite weights >= 0, got 1/,
    );
    expect(classSetup('c', { train: of([0, 1]), val: [] }, [], { classWeight: [1, 3] }).weights).toEqual([
      1, 3,
    ]);
  });
});
