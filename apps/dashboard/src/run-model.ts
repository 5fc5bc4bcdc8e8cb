// A run's trained model as the dashboard's routes (heat maps, the predict page) load it: every file, model.json,
// the weights and run.json, read through the guarded read under the runs folder, so a best/ linked out of
// the runs folder is refused (403) here exactly as the /files/ route refuses it.

import { join } from 'node:path';
import {
  openGuarded,
  PathRefused,
  readGuarded,
  readGuardedTextIfPresent,
  type ServedRoot,
} from '@ct3d/core/node';
import type { LoadedRun } from '@ct3d/train';
import { MODEL_DIRS, RUN_FILES } from '@ct3d/train/run-folder';
import { HttpError } from './http-error.js';
import { relativeSegments } from './paths.js';
import { READ_LIMITS } from './read-limits.js';

/** A run's model folder (best/ when saved, else model/) and the time its model.json was written. */
export interface ModelFolder {
  name: (typeof MODEL_DIRS)[number];
  mtimeMs: number;
}

/**
 * best/ when it holds model.json, else model/; undefined when neither does. A model.json that exists but is
 * refused (linked out of the runs folder, not a regular file) is that refusal, not a silent fall back to
 * the other folder.
 */
export async function modelFolder(root: ServedRoot, run: string[]): Promise<ModelFolder | undefined> {
  for (const name of MODEL_DIRS) {
    try {
      const file = await openGuarded(root, [...run, name, 'model.json'], READ_LIMITS.json);
      await file.handle.close();
      return { name, mtimeMs: file.mtimeMs };
    } catch (err) {
      if (!(err instanceof PathRefused && err.status === 404 && err.reason.endsWith(': not found')))
        throw err;
    }
  }
  return undefined;
}

/** The run's model and run.json, every byte through the guarded read (`name` is the run, for messages). */
export async function loadRunModel(root: ServedRoot, name: string, run: string[]): Promise<LoadedRun> {
  const folder = await modelFolder(root, run);
  if (!folder) {
    throw new PathRefused(
      404,
      'no best/model.json or model/model.json in the run (train with a run folder first)',
    );
  }
  const read = (relative: string) => {
    // Saved as "./weights.bin": a leading "." is harmless; ".." and absolute paths are refused.
    const segments = relativeSegments(relative.replace(/^(\.\/)+/, ''));
    const limit = relative === 'model.json' ? READ_LIMITS.json : READ_LIMITS.scan;
    return readGuarded(root, [...run, folder.name, ...segments], limit);
  };
  const modelDir = join(root, ...run, folder.name);
  // tfjs loads on the first model only: serving and replaying runs never needs it.
  const { loadModelFrom } = await import('@ct3d/model');
  const model = await loadModelFrom(modelDir, read).catch((err: Error): never => {
    if (err.cause instanceof PathRefused) throw err.cause;
    // The loader's message names absolute paths: the client gets the run-relative folder only.
    throw new HttpError(500, `run ${name}: ${folder.name}/ model cannot be loaded`, { cause: err });
  });
  try {
    return { model, modelDir, info: await runInfo(root, name, run) };
  } catch (err) {
    model.dispose();
    throw err;
  }
}

/** run.json as the run recorded it (the pages use its class names), or null when the run has none. */
async function runInfo(root: ServedRoot, name: string, run: string[]): Promise<LoadedRun['info']> {
  const text = await readGuardedTextIfPresent(root, [...run, RUN_FILES.info], READ_LIMITS.json);
  if (text === undefined) return null;
  try {
    return JSON.parse(text) as LoadedRun['info'];
  } catch {
    throw new HttpError(500, `run ${name}: ${RUN_FILES.info}: not valid JSON`);
  }
}
