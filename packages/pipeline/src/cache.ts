import { createHash } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Volume } from '@ct3d/core';
import { readNifti, writeFileAtomic } from '@ct3d/io/node';
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

/** Stable, readable, collision-free id: file stem + 8 hex of the absolute source path. */
export function scanId(source: string): string {
  const stem = basename(source)
    .replace(/\.nii(\.gz)?$/i, '')
    .replace(/[^A-Za-z0-9_.-]+/g, '_');
  const tag = createHash('sha256').update(resolve(source)).digest('hex').slice(0, 8);
  return `${stem}-${tag}`;
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

/** Atomic (io's temp file + rename over the manifest). */
export async function writeManifest(cacheDir: string, manifest: CacheManifest): Promise<void> {
  await writeFileAtomic(join(cacheDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 1)}\n`);
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

/** Temp files are what a killed run leaves behind (an interrupted write never got renamed): remove them. */
export async function removeStaleTemps(cacheDir: string): Promise<string[]> {
  const names = await readdir(cacheDir);
  const stale = names.filter((n) => /\.tmp$|\.tmp[.-]|^\..*\.tmp/.test(n));
  await Promise.all(stale.map((n) => rm(join(cacheDir, n), { force: true })));
  return stale;
}
