import type { TransformEntry } from './types.js';

/** A bad recipe: the message is one line naming the recipe, the entry and the parameter. */
export class RecipeError extends Error {
  override name = 'RecipeError';
}

function shown(v: unknown): string {
  const text = v === undefined ? 'nothing' : (JSON.stringify(v) ?? String(v));
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * Reads one recipe entry's parameters with defaults, refusing wrong types, out-of-range values and unknown
 * names with a one-line RecipeError: `recipe.json: augment[2] RandFlip: prob must be in [0, 1], got 2`.
 */
export class ParamReader {
  private readonly seen = new Set<string>(['name']);
  readonly out: Record<string, unknown> = {};

  constructor(
    private readonly entry: TransformEntry,
    /** e.g. `recipe.json: augment[2] RandFlip`. */
    readonly where: string,
  ) {}

  /** Throws a RecipeError naming the entry, the parameter, the reason and the value given. */
  fail(param: string, reason: string): never {
    throw new RecipeError(`${this.where}: ${param} ${reason}, got ${shown(this.entry[param])}`);
  }

  private raw(param: string): unknown {
    this.seen.add(param);
    return this.entry[param];
  }

  private keep<T>(param: string, value: T): T {
    this.out[param] = value;
    return value;
  }

  /** A finite number parameter within `range`; required when there is no `fallback`. */
  number(
    param: string,
    fallback?: number,
    range: { min?: number; max?: number; above?: number } = {},
  ): number {
    const v = this.raw(param) ?? fallback;
    const { min = -Infinity, max = Infinity, above } = range;
    const ok = typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
    if (!ok || (above !== undefined && v <= above)) {
      const bounds =
        above !== undefined
          ? ` > ${above}`
          : min === -Infinity && max === Infinity
            ? ''
            : ` in [${min}, ${max}]`;
      this.fail(param, v === undefined ? 'is missing' : `must be a finite number${bounds}`);
    }
    return this.keep(param, v);
  }

  /** An integer parameter in [min, max]; required when there is no `fallback`. */
  int(param: string, fallback?: number, min = -Infinity, max = Infinity): number {
    const v = this.number(param, fallback, { min, max });
    if (!Number.isInteger(v)) this.fail(param, 'must be an integer');
    return v;
  }

  /** The `prob` parameter of a random transform, in [0, 1] (MONAI's default 0.1). */
  prob(fallback = 0.1): number {
    return this.number('prob', fallback, { min: 0, max: 1 });
  }

  /** A boolean parameter (`fallback` when absent). */
  bool(param: string, fallback: boolean): boolean {
    const v = this.raw(param) ?? fallback;
    if (typeof v !== 'boolean') this.fail(param, 'must be true or false');
    return this.keep(param, v);
  }

  /** Whether the entry sets `param` (without reading it). */
  has(param: string): boolean {
    return this.entry[param] !== undefined;
  }

  /** A string parameter (`fallback` when absent). */
  text(param: string, fallback: string): string {
    const v = this.raw(param) ?? fallback;
    if (typeof v !== 'string') this.fail(param, 'must be a string');
    return this.keep(param, v);
  }

  /** A parameter that must be one of `choices` (`fallback` when absent). */
  oneOf<T extends string | number>(param: string, choices: readonly T[], fallback: T): T {
    const v = this.raw(param) ?? fallback;
    if (!choices.includes(v as T)) this.fail(param, `must be one of ${choices.join(', ')}`);
    return this.keep(param, v as T);
  }

  /** A list of finite numbers (a single number counts as a list of one), `length` when given. */
  numbers(param: string, fallback?: readonly number[], length?: number): number[] {
    let v = this.raw(param) ?? fallback;
    if (typeof v === 'number') v = [v];
    const ok =
      Array.isArray(v) &&
      v.every((x) => typeof x === 'number' && Number.isFinite(x)) &&
      (length === undefined ? v.length > 0 : v.length === length);
    if (!ok) this.fail(param, `must be ${length === undefined ? 'a list' : `${length}`} finite numbers`);
    return this.keep(param, [...(v as number[])]);
  }

  /** A [lo, hi] range; a single number x means [-x, x] (MONAI's convention), or [x, x] when `symmetric` is false. */
  range(param: string, fallback: readonly [number, number], symmetric = true): [number, number] {
    const v = this.raw(param) ?? fallback;
    const pair = typeof v === 'number' ? (symmetric ? [-Math.abs(v), Math.abs(v)] : [v, v]) : v;
    const ok =
      Array.isArray(pair) &&
      pair.length === 2 &&
      pair.every((x) => typeof x === 'number' && Number.isFinite(x)) &&
      pair[0] <= pair[1];
    if (!ok) this.fail(param, 'must be a number or a [lo, hi] pair with lo <= hi');
    return this.keep(param, [pair[0], pair[1]] as [number, number]);
  }

  /** Spatial axes (0 = i, 1 = j, 2 = k), distinct. */
  axes(param: string, fallback: readonly number[], count?: number): number[] {
    const v = this.numbers(param, fallback, count);
    if (!v.every((a) => a === 0 || a === 1 || a === 2) || new Set(v).size !== v.length)
      this.fail(param, 'must be distinct spatial axes 0, 1 or 2');
    return v;
  }

  /** Three positive sizes (a single number applies to all three axes). */
  size3(param: string, fallback?: readonly number[]): [number, number, number] {
    let v = this.raw(param) ?? fallback;
    if (typeof v === 'number') v = [v, v, v];
    const ok = Array.isArray(v) && v.length === 3 && v.every((n) => Number.isInteger(n) && n > 0);
    if (!ok) this.fail(param, v === undefined ? 'is missing' : 'must be 3 positive integers');
    return this.keep(param, [...(v as number[])] as [number, number, number]);
  }

  /** Refuses parameters the transform does not know (a typo must not silently become a default). */
  done(): Record<string, unknown> {
    for (const key of Object.keys(this.entry)) {
      if (!this.seen.has(key)) throw new RecipeError(`${this.where}: unknown parameter "${key}"`);
    }
    return this.out;
  }
}
