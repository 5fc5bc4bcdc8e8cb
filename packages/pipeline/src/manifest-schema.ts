// The one schema of a cache's manifest.json: every reader (ingest, train, evaluate, the dashboard's Scans tab)
// parses it here, so a hand-edited or corrupt manifest fails with a line naming the entry and the field
// instead of "Invalid array length" from deep inside a typed array.
import { isAbsolute, win32 } from 'node:path';
import { parseRecipe, RecipeError } from '@ct3d/augment';
import { DEFAULT_MAX_BYTES } from '@ct3d/io';
import type { CacheEntry, CacheManifest } from './cache-types.js';
import type { Shape3 } from './tasks.js';

/** Voxels of the largest cache volume: a float32 file of at most io's DEFAULT_MAX_BYTES (2 GiB). */
export const MAX_CACHE_VOXELS = Math.floor((DEFAULT_MAX_BYTES - 352) / 4);
/** Labels are 0..MAX_CLASSES-1 (each class is a model output unit). */
export const MAX_CLASSES = 1000;

/** A cache that cannot be used as it is: every problem found, one line each (the message shows the first). */
export class CacheProblemsError extends Error {
  constructor(
    readonly subject: string,
    readonly problems: string[],
    readonly advice = '',
  ) {
    const more = problems.length > 1 ? ` (+${problems.length - 1} more)` : '';
    super(`${subject}: ${problems[0]}${more}${advice ? `; ${advice}` : ''}`);
    this.name = 'CacheProblemsError';
  }
}

/** A value as a short JSON snippet for an error line. */
function shown(value: unknown): string {
  const text = value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value));
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** Why a field's value is refused. */
class Bad {
  constructor(readonly reason: string) {}
}
type Check<T> = (value: unknown) => T | Bad;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const string: Check<string> = (v) =>
  typeof v === 'string' ? v : new Bad(`must be a string, got ${shown(v)}`);
const nonEmpty: Check<string> = (v) =>
  typeof v === 'string' && v !== '' ? v : new Bad(`must be a non-empty string, got ${shown(v)}`);
const sha256: Check<string> = (v) =>
  typeof v === 'string' && /^[0-9a-f]{64}$/.test(v)
    ? v
    : new Bad(`must be a sha256 (64 hex digits), got ${shown(v)}`);
const count: Check<number> = (v) =>
  Number.isSafeInteger(v) && (v as number) >= 0
    ? (v as number)
    : new Bad(`must be a non-negative integer, got ${shown(v)}`);
const finite: Check<number> = (v) =>
  typeof v === 'number' && Number.isFinite(v) ? v : new Bad(`must be a finite number, got ${shown(v)}`);
const label: Check<number> = (v) =>
  Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) < MAX_CLASSES
    ? (v as number)
    : new Bad(`must be an integer from 0 to ${MAX_CLASSES - 1}, got ${shown(v)}`);
const strings: Check<string[]> = (v) =>
  Array.isArray(v) && v.every((s) => typeof s === 'string')
    ? v
    : new Bad(`must be a list of strings, got ${shown(v)}`);

/** Three positive integers; `maxVoxels` bounds their product (a source scan may be larger than a cache one). */
function shape3(maxVoxels: number): Check<Shape3> {
  return (v) => {
    if (!Array.isArray(v) || v.length !== 3 || !v.every((n) => Number.isSafeInteger(n) && n > 0))
      return new Bad(`must be 3 positive integers, got ${shown(v)}`);
    const voxels = v[0] * v[1] * v[2];
    return voxels <= maxVoxels ? (v as Shape3) : new Bad(`${v.join('x')} exceeds ${maxVoxels} voxels`);
  };
}
const cacheShape = shape3(MAX_CACHE_VOXELS);
const sourceShape = shape3(Number.MAX_SAFE_INTEGER);

/**
 * Why `file` (a manifest entry's path) could name something outside the cache folder, or undefined: it must
 * be relative (POSIX or Windows), without `..` segments or NUL. Links are checked where files are read.
 */
export function relativeFileProblem(file: string): string | undefined {
  if (file === '' || file.includes('\0')) return 'is empty or holds NUL';
  if (isAbsolute(file) || win32.isAbsolute(file)) return 'is an absolute path (must be inside the cache)';
  if (file.split(/[/\\]/).includes('..')) return 'has a ".." segment (must be inside the cache)';
  return undefined;
}

const relativeFile: Check<string> = (v) => {
  if (typeof v !== 'string') return new Bad(`must be a relative path string, got ${shown(v)}`);
  const problem = relativeFileProblem(v);
  return problem === undefined ? v : new Bad(problem);
};

type Fields<T> = { [K in keyof T]-?: Check<T[K]> };

const ENTRY_REQUIRED = {
  id: nonEmpty,
  file: relativeFile,
  source: string,
  label,
  className: string,
  shape: cacheShape,
  sourceHash: sha256,
} satisfies Partial<Fields<CacheEntry>>;

const ENTRY_OPTIONAL = {
  fileHash: sha256,
  settingsHash: string,
  sourceSize: count,
  sourceMtimeMs: finite,
  sourceShape,
  warnings: strings,
  seriesHash: sha256,
  studyHash: sha256,
} satisfies Partial<Fields<CacheEntry>>;

/** Copies the fields of `raw` that pass their checks into `out`; returns "field reason" for the others. */
function readFields(
  raw: Record<string, unknown>,
  required: Record<string, Check<unknown>>,
  optional: Record<string, Check<unknown>>,
  out: Record<string, unknown>,
): string[] {
  const problems: string[] = [];
  const read = (key: string, check: Check<unknown>, needed: boolean) => {
    if (raw[key] === undefined) {
      if (needed) problems.push(`${key} is missing`);
      return;
    }
    const value = check(raw[key]);
    if (value instanceof Bad) problems.push(`${key} ${value.reason}`);
    else out[key] = value;
  };
  for (const [key, check] of Object.entries(required)) read(key, check, true);
  for (const [key, check] of Object.entries(optional)) read(key, check, false);
  return problems;
}

/** An entry's name for an error line: its file, else its id, else nothing (raw: printers escape it). */
function entryName(raw: unknown): string {
  if (!isObject(raw)) return '';
  const name = typeof raw.file === 'string' ? raw.file : typeof raw.id === 'string' ? raw.id : undefined;
  return name === undefined ? '' : ` (${name})`;
}

function parseEntry(raw: unknown, size: Shape3 | undefined): CacheEntry | string[] {
  if (!isObject(raw)) return [`must be an object, got ${shown(raw)}`];
  const out: Record<string, unknown> = {};
  const problems = readFields(raw, ENTRY_REQUIRED, ENTRY_OPTIONAL, out);
  const shape = out.shape as Shape3 | undefined;
  if (problems.length === 0 && size && shape && shape.join('x') !== size.join('x'))
    problems.push(`shape ${shape.join('x')} differs from the cache's size ${size.join('x')}`);
  return problems.length > 0 ? problems : (out as unknown as CacheEntry);
}

/** The manifest's recorded preprocessing, checked like a recipe file (every step and parameter). */
function readRecipe(v: unknown): NonNullable<CacheManifest['recipe']> | Bad {
  if (!isObject(v) || !Array.isArray(v.preprocess))
    return new Bad(`must be {"preprocess": [...]}, got ${shown(v)}`);
  try {
    return { preprocess: parseRecipe({ preprocess: v.preprocess }, 'recipe').preprocess };
  } catch (error) {
    if (error instanceof RecipeError) return new Bad(error.message.replace(/^recipe: /, ''));
    throw error;
  }
}

/**
 * The manifest in `value` (parsed JSON read from `path`), checked field by field. Unknown fields are dropped.
 * Throws CacheProblemsError listing every bad field, one line each: `entry 3 (x.nii): label must be ...`.
 */
export function parseCacheManifest(value: unknown, path: string): CacheManifest {
  if (!isObject(value) || !Array.isArray(value.entries))
    throw new CacheProblemsError(path, ['not a ct3d cache manifest (no "entries" list)']);
  const problems: string[] = [];
  const size = cacheShape(value.size);
  if (size instanceof Bad) problems.push(`size ${size.reason}`);
  const top: Record<string, unknown> = {};
  problems.push(...readFields(value, {}, { version: finite, settingsHash: string, updatedAt: string }, top));
  if (value.recipe !== undefined) {
    const recipe = readRecipe(value.recipe);
    if (recipe instanceof Bad) problems.push(`recipe ${recipe.reason}`);
    else top.recipe = recipe;
  }
  const entries: CacheEntry[] = [];
  const ids = new Map<string, number>();
  value.entries.forEach((raw, i) => {
    const entry = parseEntry(raw, size instanceof Bad ? undefined : size);
    const where = `entry ${i}${entryName(raw)}`;
    if (Array.isArray(entry)) for (const p of entry) problems.push(`${where}: ${p}`);
    else entries.push(entry);
    const id = isObject(raw) ? raw.id : undefined;
    if (typeof id !== 'string') return;
    const first = ids.get(id);
    if (first === undefined) ids.set(id, i);
    else problems.push(`${where}: id ${shown(id)} repeats entry ${first}'s`);
  });
  const failed = value.failed ?? [];
  const failedOk =
    Array.isArray(failed) &&
    failed.every((f) => isObject(f) && typeof f.path === 'string' && typeof f.reason === 'string');
  if (!failedOk) problems.push(`failed must be a list of {path, reason} strings, got ${shown(failed)}`);
  if (problems.length > 0) throw new CacheProblemsError(path, problems);
  return { ...top, size: size as Shape3, entries, failed } as CacheManifest;
}
