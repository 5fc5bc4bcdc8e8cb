import { createHash } from 'node:crypto';
import { readdir, readFile, realpath, rm, stat } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { sameSteps, seedRecipe, type TransformEntry } from '@ct3d/augment';
import type { Volume } from '@ct3d/core';
import { writeFileAtomic } from '@ct3d/core/node';
import { decodeNifti, NiftiError } from '@ct3d/io';
import { readNifti, readRegularFile } from '@ct3d/io/node';
import type { CacheEntry, CacheManifest } from './cache-types.js';
import { parseCacheManifest, relativeFileProblem } from './manifest-schema.js';
import type { Shape3 } from './tasks.js';

/** The cache manifest's file name in the cache folder. */
export const MANIFEST_FILE = 'manifest.json';
/** Bump when the preprocessing output changes, so old caches are recomputed. */
export const PREPROCESS_VERSION = 'hu[-1000,400]/rot90/trilinear/v1';

export type { CacheEntry, CacheManifest };

/** Hash of the settings a cache file depends on; the seed preset's keeps the hash caches had before recipes. */
export function settingsHash(size: Shape3, preprocess?: readonly TransformEntry[]): string {
  const seed = !preprocess || sameSteps(preprocess, seedRecipe(size).preprocess);
  return createHash('sha256')
    .update(JSON.stringify(seed ? { size, preprocess: PREPROCESS_VERSION } : { size, recipe: preprocess }))
    .digest('hex')
    .slice(0, 16);
}

/** Longest scan id, in bytes: `<id>.nii` fits the 255 bytes of a file name, with room to spare. */
export const MAX_SCAN_ID_BYTES = 200;

/**
 * Stable, readable, collision-free id: file stem + 8 hex of the absolute source path. The stem is ASCII
 * (other characters become `_`, `.tmp` becomes `_tmp`), so characters are bytes; a stem too long for a file name is cut, and the
 * hash of the whole path keeps the id unique.
 */
export function scanId(source: string): string {
  const stem = basename(source)
    .replace(/\.nii(\.gz)?$/i, '')
    .replace(/[^A-Za-z0-9_.-]+/g, '_')
    // removeStaleTemps takes names with ".tmp" in them for a killed run's leftovers.
    .replace(/\.tmp/gi, '_tmp');
  const tag = createHash('sha256').update(resolve(source)).digest('hex').slice(0, 8);
  return `${stem.slice(0, MAX_SCAN_ID_BYTES - tag.length - 1)}-${tag}`;
}

/**
 * The manifest, or an empty one when the cache dir has none yet. A corrupt manifest is an error: invalid JSON,
 * or a CacheProblemsError from the one manifest schema (manifest-schema.ts) naming each bad entry and field.
 */
export async function loadCache(cacheDir: string): Promise<CacheManifest> {
  const path = join(cacheDir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { size: [0, 0, 0], entries: [], failed: [] };
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: invalid JSON (${(error as Error).message})`);
  }
  return parseCacheManifest(parsed, path);
}

/** Atomic (io's temp file + rename over the manifest); a failure (ENOSPC, EACCES) names the manifest. */
export async function writeManifest(cacheDir: string, manifest: CacheManifest): Promise<void> {
  const path = join(cacheDir, MANIFEST_FILE);
  try {
    await writeFileAtomic(path, `${JSON.stringify(manifest, null, 1)}\n`);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOSPC' ? 'ENOSPC: disk full' : (code ?? (err as Error).message);
    throw new Error(`${path}: cannot write the cache manifest (${why}); the previous one is kept`, {
      cause: err,
    });
  }
}

/** Reads one cached scan (a float32 NIfTI) as a Volume. */
export async function readCachedVolume(cacheDir: string, entry: CacheEntry): Promise<Volume> {
  const resolved = await resolveCacheFile(cacheDir, entry.file);
  if ('refused' in resolved) throw new Error(`${join(cacheDir, entry.file)}: ${resolved.refused}`);
  const file = resolved.path;
  const volume = await readNifti(file);
  if (volume.shape.some((n, i) => n !== entry.shape[i])) {
    throw new Error(
      `${file}: shape ${volume.shape.join('x')} does not match manifest ${entry.shape.join('x')}`,
    );
  }
  return volume;
}

/**
 * The real path of a manifest entry's `file`, or why it is refused: absolute, with `..`, or a link whose
 * target leaves the cache folder (nothing is read from outside the cache). A missing file keeps its path.
 */
export async function resolveCacheFile(
  cacheDir: string,
  file: string,
): Promise<{ path: string } | { refused: string }> {
  const problem = relativeFileProblem(file);
  if (problem !== undefined) return { refused: `file ${problem}` };
  const root = await realpath(cacheDir);
  const real = await realpath(join(root, file)).catch(() => undefined);
  if (real === undefined) return { path: join(cacheDir, file) };
  const rel = relative(root, real);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel))
    return { refused: `file is a link that leaves the cache (to ${real})` };
  return { path: real };
}

/** Bytes of a float32 cache file of `shape`: the 352-byte NIfTI-1 header, then the voxels. */
export function cacheFileBytes(shape: Shape3): number {
  return 352 + 4 * shape[0] * shape[1] * shape[2];
}

/**
 * Why the cache file of `entry` cannot be used as it is, or undefined when it is intact: outside the cache (a
 * link out), missing, truncated or resized, bytes that are not the ones written (checked against the recorded
 * hash), or NaN/Inf voxels (ingest never writes them; io's decoder counts them).
 */
export async function cachedFileProblem(cacheDir: string, entry: CacheEntry): Promise<string | undefined> {
  const resolved = await resolveCacheFile(cacheDir, entry.file);
  if ('refused' in resolved) return resolved.refused;
  const file = resolved.path;
  const st = await stat(file).catch(() => undefined);
  if (!st?.isFile()) return 'cache file missing';
  const expected = cacheFileBytes(entry.shape);
  if (st.size !== expected) return `cache file has ${st.size} bytes, ${expected} expected (truncated?)`;
  let bytes: Uint8Array;
  try {
    bytes = await readRegularFile(file, { name: entry.file, maxBytes: expected });
  } catch (err) {
    return err instanceof NiftiError ? err.reason : (err as Error).message;
  }
  if (entry.fileHash !== undefined && createHash('sha256').update(bytes).digest('hex') !== entry.fileHash)
    return 'cache file bytes differ from the ones written (hash mismatch)';
  try {
    const volume = decodeNifti(bytes, { name: entry.file });
    if (volume.shape.join('x') !== entry.shape.join('x'))
      return `cache file holds ${volume.shape.join('x')}, the manifest says ${entry.shape.join('x')}`;
    if (volume.nonFinite > 0) return `cache file has ${volume.nonFinite} NaN/Inf voxels`;
  } catch (err) {
    return err instanceof NiftiError ? err.reason : (err as Error).message;
  }
  return undefined;
}

/** Temp files are what a killed run leaves behind (an interrupted write never got renamed): remove them. */
export async function removeStaleTemps(cacheDir: string): Promise<string[]> {
  const names = await readdir(cacheDir);
  const stale = names.filter((n) => /\.tmp$|\.tmp[.-]|^\..*\.tmp/.test(n));
  await Promise.all(stale.map((n) => rm(join(cacheDir, n), { force: true })));
  return stale;
}
