import { describe, expect, it } from 'vitest';
import { createRng, mixSeed } from './index.js';

const take = (seed: number, n: number) => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng.next());
};

describe('createRng', () => {
  it('is deterministic per seed and differs between seeds', () => {
    expect(take(42, 50)).toEqual(take(42, 50));
    expect(take(42, 50)).not.toEqual(take(43, 50));
    expect(take(0, 5)).not.toEqual(take(1, 5));
  });

  it('next() is uniform in [0, 1)', () => {
    const xs = take(7, 20000);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.49);
    expect(mean).toBeLessThan(0.51);
    const buckets = new Array(10).fill(0);
    for (const x of xs) buckets[Math.floor(x * 10)]++;
    for (const b of buckets) expect(b).toBeGreaterThan(1800);
  });

  it('int(n) covers 0..n-1 only and rejects n < 1', () => {
    const rng = createRng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(rng.int(6));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(() => rng.int(0)).toThrow(RangeError);
  });

  it('pick, uniform and shuffle', () => {
    const rng = createRng(5);
    const items = ['a', 'b', 'c'];
    for (let i = 0; i < 50; i++) expect(items).toContain(rng.pick(items));
    expect(() => rng.pick([])).toThrow(RangeError);
    for (let i = 0; i < 50; i++) {
      const u = rng.uniform(-2, 3);
      expect(u).toBeGreaterThanOrEqual(-2);
      expect(u).toBeLessThan(3);
    }
    const arr = Array.from({ length: 20 }, (_, i) => i);
    const shuffled = rng.shuffle([...arr]);
    expect(shuffled).not.toEqual(arr);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(arr);
    expect(createRng(9).shuffle([...arr])).toEqual(createRng(9).shuffle([...arr]));
  });

  it('normal() has mean 0 and variance 1', () => {
    const rng = createRng(11);
    const xs = Array.from({ length: 20000 }, () => rng.normal());
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(variance).toBeGreaterThan(0.95);
    expect(variance).toBeLessThan(1.05);
    expect(xs.every(Number.isFinite)).toBe(true);
  });

  it('mixSeed gives distinct 32-bit seeds for distinct parts', () => {
    const seeds = new Set<number>();
    for (let a = 0; a < 10; a++) for (let b = 0; b < 10; b++) seeds.add(mixSeed(a, b));
    expect(seeds.size).toBe(100);
    for (const s of seeds) expect(s >>> 0).toBe(s);
  });
});
