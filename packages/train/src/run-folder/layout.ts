// The run folder's layout: every file and folder name a run has, in one place. The trainer's writers, the
// resume code, the CLI and the dashboard all take names from here (the dashboard imports this module alone
// through '@ct3d/train/run-folder', which loads no tfjs).
import { join } from 'node:path';
import { RUN_FILES } from './run-files.js';

export { RUN_FILES } from './run-files.js';

/**
 * A cross-validation run (`ct3d train --folds K`) is a folder of fold runs, fold-1/ ... fold-K/ (each a run
 * folder as above), plus folds.json: the mean and standard deviation of every validation metric.
 */
export const FOLD_FILES = { summary: 'folds.json' } as const;

/** The sub-folder of fold `fold` (1-based). */
export const foldDirName = (fold: number): string => `fold-${fold}`;

/** Names foldDirName makes. */
export const FOLD_DIR_PATTERN = /^fold-[1-9][0-9]*$/;

/** Inside a resume checkpoint folder: model/ and best/ as in the run, plus these. */
export const RESUME_FILES = { state: 'state.json', optimizer: 'optimizer.bin' } as const;

/** Model folders to load a run's model from, in order of preference (the seed reloads its best checkpoint). */
export const MODEL_DIRS = [RUN_FILES.best, RUN_FILES.model] as const;

/** The path of every part of a run folder, and the folder itself. */
export type RunPaths = { readonly [K in keyof typeof RUN_FILES]: string } & { readonly dir: string };

/** Absolute or relative paths of every part of the run folder `dir`. */
export function runPaths(dir: string): RunPaths {
  const paths = { dir } as { -readonly [K in keyof RunPaths]: string };
  for (const [key, name] of Object.entries(RUN_FILES)) paths[key as keyof typeof RUN_FILES] = join(dir, name);
  return paths;
}
