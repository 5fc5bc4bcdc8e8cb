// The cache manifest's types, shared by the cache code and the manifest schema without an import cycle.
import type { TransformEntry } from '@ct3d/augment';
import type { Shape3 } from './tasks.js';

/** One cached scan of the manifest. */
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

/** A cache's manifest.json: the size, the settings and every cached and failed scan. */
export interface CacheManifest {
  version?: number;
  size: Shape3;
  settingsHash?: string;
  /** The recipe's preprocessing that made the files (absent in older caches: the seed preset at `size`). */
  recipe?: { preprocess: TransformEntry[] };
  entries: CacheEntry[];
  failed: { path: string; reason: string }[];
  updatedAt?: string;
}
