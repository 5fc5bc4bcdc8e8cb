// Resume checkpoints for fit: after every finished epoch the whole training state (weights with BatchNorm
// moving statistics, Adam moments and step count, schedule position, EarlyStopping / BestCheckpoint trackers,
// history, best epoch) is saved; fit({resume: {from}}) continues after that epoch. The state itself is made
// and restored by resume-point.ts (browser-safe); this module keeps it in a run folder's resume/.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MODEL_JSON } from '@ct3d/model';
import {
  checkResumeState,
  type ResumePoint,
  restoreContents,
  resumeStateOf,
  type TrainingParts,
} from './resume-point.js';
import { notResumed, type RestoredRun, type ResumeState } from './resume-state.js';
import { RUN_FILES, runPaths } from './run-folder/layout.js';
import {
  fromJson,
  newestCheckpointDir,
  OPTIMIZER_FILE,
  readModelWeights,
  STATE_FILE,
} from './run-folder/resume-files.js';
import type { RunFolderStore } from './run-folder/store.js';

export const RESUME_DIR = RUN_FILES.resume;

export { RESUME_RNG_NOTE, type ResumePoint, type TrainingParts } from './resume-point.js';
export { resumedInfo } from './resume-state.js';
export type { RestoredRun, ResumeState };

/** A resume checkpoint as loadResumeCheckpoint read it. */
export interface ResumeCheckpoint {
  /** The checkpoint folder (model/, optimizer.bin, best/, state.json). */
  dir: string;
  state: ResumeState;
}

/** fit's resume options. */
export interface FitResumeOptions {
  /** A checkpoint (loadResumeCheckpoint): fit restores it and continues at its epoch + 1. */
  from?: ResumeCheckpoint | null;
  /** Write a resume checkpoint into the run folder's resume/ after every finished epoch (needs runDir). */
  save?: boolean;
  /** Extra JSON kept in every checkpoint's state.json. */
  meta?: Record<string, unknown>;
}

/** The newest complete checkpoint under `dir` (e.g. <run>/resume), or null when no epoch has finished. */
export async function loadResumeCheckpoint(dir: string): Promise<ResumeCheckpoint | null> {
  const found = await newestCheckpointDir(dir);
  if (!found) return null;
  const file = join(found, STATE_FILE);
  return { dir: found, state: checkResumeState(fromJson(await readFile(file, 'utf8'), file), file) };
}

/** Restores model, optimizer and trackers from `from`; returns where fit's loop continues. */
export async function restoreTraining(
  from: ResumeCheckpoint | null | undefined,
  parts: TrainingParts,
): Promise<RestoredRun> {
  if (!from) return notResumed();
  const modelDir = join(from.dir, RUN_FILES.model);
  const files = {
    state: join(from.dir, STATE_FILE),
    model: join(modelDir, MODEL_JSON),
    optimizer: join(from.dir, OPTIMIZER_FILE),
  };
  // Checked before the files are read: a checkpoint past the run's epochs is refused by its state alone.
  if (from.state.epoch > parts.epochs)
    throw new Error(`${files.state}: epoch ${from.state.epoch} is past this run's ${parts.epochs} epochs`);
  const weights = await readModelWeights(modelDir);
  const optimizerBytes = new Uint8Array(await readFile(files.optimizer));
  const past = await restoreContents({ state: from.state, weights, optimizerBytes, files }, parts);
  const s = from.state;
  return { ...past, bestPath: s.bestPath && parts.runDir ? runPaths(parts.runDir).best : s.bestPath };
}

/** Writes the resume checkpoint of a finished epoch when `resume.save` is set; returns its folder. */
export async function saveResumePoint(
  resume: FitResumeOptions | undefined,
  p: ResumePoint,
  store: RunFolderStore | null,
): Promise<string | null> {
  if (!resume?.save) return null;
  if (!store) throw new Error('fit: resume.save needs a runDir to write the checkpoints into');
  const { state, optimizerBytes } = await resumeStateOf(p, resume.meta ?? {});
  return store.saveResumePoint(p.epoch, { model: p.st.opts.model, optimizerBytes, state });
}
