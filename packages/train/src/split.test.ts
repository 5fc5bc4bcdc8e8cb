import { describe, expect, it } from 'vitest';
import { kFoldSplits, splitEntries } from './split.js';

const entries = (n0: number, n1: number) => [
  ...Array.from({ length: n1 }, (_, i) => ({
    source: `CT-23/study_${String(i).padStart(4, '0')}.nii.gz`,
    label: 1,
  })),
  ...Array.from({ length: n0 }, (_, i) => ({
    source: `CT-0/study_${String(i).padStart(4, '0')}.nii.gz`,
    label: 0,
  })),
];

describe('splitEntries', () => {
  it('is the seed split: first 70 of each class (sorted) train, last 30 validate', () => {
    const shuffled = entries(100, 100).reverse();
    const { train, val } = splitEntries(shuffled);
    expect(train).toHaveLength(140);
    expect(val).toHaveLength(60);
    const trainNormal = train.filter((e) => e.label === 0).map((e) => e.source);
    expect(trainNormal[0]).toBe('CT-0/study_0000.nii.gz');
    expect(trainNormal[69]).toBe('CT-0/study_0069.nii.gz');
    expect(val.filter((e) => e.label === 1).map((e) => e.source)[0]).toBe('CT-23/study_0070.nii.gz');
    expect(val.filter((e) => e.label === 0)).toHaveLength(30);
  });

  it('rounds the validation count per class and honours valFraction', () => {
    const { train, val } = splitEntries(entries(10, 7), { valFraction: 0.3 });
    expect(val.filter((e) => e.label === 0)).toHaveLength(3);
    expect(val.filter((e) => e.label === 1)).toHaveLength(2);
    expect(train).toHaveLength(12);
    expect(splitEntries(entries(4, 4), { valFraction: 0 }).val).toHaveLength(0);
    expect(() => splitEntries(entries(4, 4), { valFraction: 1 })).toThrow(/valFraction/);
  });

  it('shuffles within classes when splitSeed is given, deterministically', () => {
    const a = splitEntries(entries(20, 20), { splitSeed: 5 });
    const b = splitEntries(entries(20, 20).reverse(), { splitSeed: 5 });
    const c = splitEntries(entries(20, 20), { splitSeed: 6 });
    expect(a.val.map((e) => e.source)).toEqual(b.val.map((e) => e.source));
    expect(a.val.map((e) => e.source)).not.toEqual(c.val.map((e) => e.source));
    expect(a.val.map((e) => e.source)).not.toEqual(splitEntries(entries(20, 20)).val.map((e) => e.source));
    expect(new Set([...a.train, ...a.val].map((e) => e.source)).size).toBe(40);
  });
});

describe('kFoldSplits', () => {
  it('gives disjoint stratified folds covering every entry', () => {
    const all = entries(10, 11);
    const seen: string[] = [];
    for (let fold = 0; fold < 5; fold++) {
      const { train, val } = kFoldSplits(all, 5, fold);
      expect(train.length + val.length).toBe(21);
      expect(val.filter((e) => e.label === 0)).toHaveLength(2);
      const trainSet = new Set(train.map((e) => e.source));
      for (const e of val) expect(trainSet.has(e.source)).toBe(false);
      seen.push(...val.map((e) => e.source));
    }
    expect(new Set(seen).size).toBe(21);
    expect(seen).toHaveLength(21);
  });

  it('rejects a bad k or fold', () => {
    expect(() => kFoldSplits(entries(4, 4), 1, 0)).toThrow(/k must be/);
    expect(() => kFoldSplits(entries(4, 4), 3, 3)).toThrow(/fold must be/);
  });
});
