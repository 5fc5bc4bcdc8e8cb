import { createHash } from 'node:crypto';
import { readdir, readFile, realpath, rm, stat } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Volume } from '@ct3d/core';
import { writeFileAtomic } from '@ct3d/core/node';
import { decodeNifti, NiftiError } from '@ct3d/io';
import { readNifti, readRegularFile } from '@ct3d/io/node';
import { parseCacheManifest, relativeFileProblem } from './manifest-schema.js';
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
  /** A series fetched from a PACS: io's uidHash of its SeriesInstanceUID (the resume key; never the UID). */
  seriesHash?: string;
  /** ... and of its StudyInstanceUID (which labels.csv row labels it). */
  studyHash?: string;
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
