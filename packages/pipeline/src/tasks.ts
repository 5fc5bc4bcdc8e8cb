/** Messages between the main thread and the pool's workers (structured-clone friendly). */
import type { TransformEntry } from '@ct3d/augment';

/** A volume size `[w, h, d]`. */
export type Shape3 = [number, number, number];

export interface StageTimes {
  read: number;
  hash: number;
  decode: number;
  preprocess: number;
  write: number;
}

export interface IngestTask {
  /** Source NIfTI path (the worker reads it, so the bytes never touch the main thread). */
  source: string;
  /** A DICOM series: its files (source is then the series' name for messages). */
  sourceFiles?: string[];
  /**
   * A DICOM series held in memory (fetched from a PACS): its files' bytes back to back in one buffer, cut by
   * `lengths`. The buffer is transferred to the worker, never written to disk (the files carry the patient's
   * identity); source is then the series' name for messages.
   */
  sourceBytes?: { buffer: ArrayBuffer; lengths: number[] };
  /** Absolute path of the float32 .nii to write. */
  cacheFile: string;
  size: Shape3;
  /** sha256 from the manifest: when the file's stat changed but its bytes did not, skip the decode. */
  knownHash?: string;
  /** Largest uncompressed image accepted (the size its header claims, checked by the planner). */
  maxBytes?: number;
  /** The recipe's preprocessing (default: the seed preset at `size`). */
  preprocess?: TransformEntry[];
}

export type IngestResult =
  | {
      kind: 'written';
      sourceHash: string;
      /** sha256 of the cache file written, checked before a later run skips the scan as cached. */
      fileHash?: string;
      shape: Shape3;
      sourceShape: Shape3;
      nonFinite: number;
      ms: number;
      /** Worker time per stage, ms. */
      stages: StageTimes;
    }
  | { kind: 'unchanged'; sourceHash: string; ms: number }
  | { kind: 'failed'; reason: string; ms: number };

export interface LoadItemTask {
  /** Absolute path of a cached float32 .nii. */
  file: string;
  augment: boolean;
  /** The recipe's augmentation (default: the seed preset's rotation). */
  transforms?: TransformEntry[];
  /** Seed of this item's augmentation RNG (derived from run seed, epoch and position). */
  seed: number;
}

/** The message a pool thread sends once its task module has loaded (workers/boot.ts). */
export const THREAD_STARTED = 'ct3d-pool-thread-started';
