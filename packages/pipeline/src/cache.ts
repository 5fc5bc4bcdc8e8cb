import { createHash } from 'node:crypto';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Volume } from '@ct3d/core';
import { writeFileAtomic } from '@ct3d/core/node';
import { readNifti } from '@ct3d/io/node';
import type { Shape3 } from './tasks.js';

export const MANIFEST_FILE = 'manifest.json';
/** Bump when the preprocessing output changes, so old caches are recomputed. */
export const PREPROCESS_VERSION = 'hu[-1000,400]/rot90/trilinear/v1';

export interface CacheEntry {
  id: string;
  /** Relative to the cache dir. */
  file: string;
  source: string;
  label: number;
  className: string;
  shape: Shape3;
  /** sha256 of the source file's bytes. */
  sourceHash: string;
  /** sha256 of the cache file's bytes (absent in caches written before it was recorded). */
  fileHash?: string;
  /** Hash of (size, preprocessing version) the file was made with. */
  settingsHash?: string;
  /** Cheap change check done before any hashing. */
  sourceSize?: number;
  sourceMtimeMs?: number;
  sourceShape?: Shape3;
  warnings?: string[];
}

export interface CacheManifest {
  version?: number;
  size: Shape3;
  settingsHash?: string;
  entries: CacheEntry[];
  failed: { path: string; reason: string }[];
  updatedAt?: string;
}

export function settingsHash(size: Shape3): string {
  return createHash('sha256')
    .update(JSON.stringify({ size, preprocess: PREPROCESS_VERSION }))
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

/** The manifest, or an empty one when the cache dir has none yet. A corrupt manifest is an error. */
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
  let parsed: CacheManifest;
  try {
    parsed = JSON.parse(text) as CacheManifest;
  } catch (error) {
    throw new Error(`${path}: invalid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(parsed.entries) || !Array.isArray(parsed.size)) {
    throw new Error(`${path}: not a ct3d cache manifest (no entries/size)`);
  }
  return { ...parsed, failed: parsed.failed ?? [] };
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

export async function readCachedVolume(cacheDir: string, entry: CacheEntry): Promise<Volume> {
  const file = join(cacheDir, entry.file);
  const volume = await readNifti(file);
  if (volume.shape.some((n, i) => n !== entry.shape[i])) {
    throw new Error(
      `${file}: shape ${volume.shape.join('x')} does not match manifest ${entry.shape.join('x')}`,
    );
  }
  return volume;
}

/** Bytes of a float32 cache file of `shape`: the 352-byte NIfTI-1 header, then the voxels. */
export function cacheFileBytes(shape: Shape3): number {
  return 352 + 4 * shape[0] * shape[1] * shape[2];
}

/**
 * Why the cache file of `entry` cannot be reused as it is (truncated, resized, or bytes that are not the ones
 * written: checked against the recorded hash), or undefined when it is intact.
 */
export async function cachedFileProblem(cacheDir: string, entry: CacheEntry): Promise<string | undefined> {
  const file = join(cacheDir, entry.file);
  const st = await stat(file).catch(() => undefined);
  if (!st?.isFile()) return 'cache file missing';
  const expected = cacheFileBytes(entry.shape);
  if (st.size !== expected) return `cache file has ${st.size} bytes, ${expected} expected (truncated?)`;
  if (entry.fileHash === undefined) return undefined;
  const hash = createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
  return hash === entry.fileHash
    ? undefined
    : 'cache file bytes differ from the ones written (hash mismatch)';
}

/** Temp files are what a killed run leaves behind (an interrupted write never got renamed): remove them. */
export async function removeStaleTemps(cacheDir: string): Promise<string[]> {
  const names = await readdir(cacheDir);
  const stale = names.filter((n) => /\.tmp$|\.tmp[.-]|^\..*\.tmp/.test(n));
  await Promise.all(stale.map((n) => rm(join(cacheDir, n), { force: true })));
  return stale;
}
