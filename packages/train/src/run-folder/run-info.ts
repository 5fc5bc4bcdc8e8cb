// run.json: what a run folder needs to be understood later (predict, evaluate, reproduce, resume).

import { readFile } from 'node:fs/promises';
import type { Recipe } from '@ct3d/augment';
import type { ClassSetup } from '../class-setup.js';
import { parseJsonOf } from '../json-file.js';
import type { ReproducibilityRecord } from '../run-record.js';
import type { TrainFromCacheOptions } from '../train-options.js';
import { runPaths } from './layout.js';
import type { TrainingSetRecord } from './training-set.js';
import { writeRunFile } from './write-run-file.js';

/** What a run folder needs to be understood later (predict, evaluate, reproduce). */
export interface RunInfo {
  cacheDir: string;
  size: [number, number, number];
  classNames: string[];
  backend: string;
  backendDetail: string;
  /** Faster backends that 'auto' could not use, with their reasons. */
  backendRejected: string[];
  settings: Required<
    Omit<
      TrainFromCacheOptions,
      | 'splitSeed'
      | 'workers'
      | 'filters'
      | 'classWeight'
      | 'sampling'
      | 'resume'
      | 'folds'
      | 'fold'
      | 'overwrite'
      | 'transforms'
    >
  > & {
    splitSeed: number | null;
    /** K and this run's fold (1-based) of a cross-validation; null for the 70/30 split. */
    folds: number | null;
    fold: number | null;
    workers: number;
    filters: number[];
  };
  split: { train: string[]; val: string[] };
  /** The transforms recipe: the cache's preprocessing and the training augmentation (absent in older runs: seed). */
  recipe?: Recipe;
  /** The training scans' source shapes and windowed HU spread (absent in runs recorded before it). */
  trainingSet?: TrainingSetRecord;
  /** Class count, head, per-class counts, loss weights and sampling (absent in runs from before multi-class). */
  classes?: ClassSetup;
  /** Versions, seeds, RNG notes, data manifest hash, platform, resumes (absent in runs from before it). */
  reproduce?: ReproducibilityRecord;
  node: string;
  startedAt: string;
}

/** A run folder's run.json (`reproduce` is absent in runs recorded before it); errors name the file. */
export async function readRunInfo(runDir: string): Promise<RunInfo> {
  const file = runPaths(runDir).info;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const missing = (err as { code?: string }).code === 'ENOENT';
    throw new Error(`${file}: ${missing ? 'not a run folder (no run.json)' : (err as Error).message}`);
  }
  return parseJsonOf(text, file) as RunInfo;
}

/** Writes run.json atomically. */
export async function writeRunInfo(runDir: string, info: RunInfo): Promise<void> {
  await writeRunFile(runPaths(runDir).info, `${JSON.stringify(info, null, 2)}\n`);
}
