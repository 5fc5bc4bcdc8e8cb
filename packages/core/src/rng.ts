/** A small deterministic random number generator (mulberry32): same seed, same sequence. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** One element of `items`, uniformly. */
  pick<T>(items: readonly T[]): T;
  /** Standard normal (Box-Muller). */
  normal(): number;
  /** Shuffles in place (Fisher-Yates) and returns the same array. */
  shuffle<T>(items: T[]): T[];
}

/** Mixes a seed and any extra integers into one 32-bit seed, for independent sub-streams. */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p | 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** A deterministic generator (mulberry32) seeded with a 32-bit integer: the same seed, the same numbers. */
export function createRng(seed: number): Rng {
  let state = mixSeed(Math.floor(seed));
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => {
    if (!(n >= 1)) throw new RangeError(`rng.int(n) needs n >= 1, got ${n}`);
    return Math.floor(next() * Math.floor(n));
  };
  return {
    next,
    int,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    pick: (items) => {
      if (items.length === 0) throw new RangeError('rng.pick() of an empty array');
      return items[int(items.length)];
    },
    normal: () => {
      const u = 1 - next(); // (0, 1], so log(u) is finite
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
    shuffle: (items) => {
      for (let i = items.length - 1; i > 0; i--) {
        const j = int(i + 1);
        [items[i], items[j]] = [items[j], items[i]];
      }
      return items;
    },
  };
}
