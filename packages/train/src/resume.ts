// Resume checkpoints for fit: after every finished epoch the whole training state (weights with BatchNorm
// moving statistics, Adam moments and step count, schedule position, EarlyStopping / BestCheckpoint trackers,
// history, best epoch) is saved; fit({resume: {from}}) continues after that epoch.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { tf } from '@ct3d/model';
import type { BestCheckpoint, EarlyStopping } from './callbacks.js';
import type { EpochEndEvent, History } from './events.js';
import { notResumed, type RestoredRun, type ResumeState } from './resume-state.js';
import { adamSnapshot, restoreModelWeights, restoreOptimizer } from './resume-weights.js';
import { RUN_FILES, runPaths } from './run-folder/layout.js';
import { fromJson, newestCheckpointDir, STATE_FILE } from './run-folder/resume-files.js';
import type { RunFolderStore } from './run-folder/store.js';
import type { LrSchedule } from './schedule.js';
import type { ScheduledAdam } from './step.js';

export const RESUME_DIR = RUN_FILES.resume;

/** Shuffling and augmentation are functions of (seed, epoch): see RNG_NOTES in run-record.ts. */
export const RESUME_RNG_NOTE =
  'no RNG state is saved: shuffle and augmentation seeds are derived from (seed, epoch), so the next epoch ' +
  'number restores them; Dropout masks are derived from (seed, epoch, step)';

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
  const state = fromJson(await readFile(file, 'utf8'), file) as ResumeState;
  if (state?.format !== 'ct3d-resume' || state.version !== 1)
    throw new Error(`${file}: not a ct3d resume state`);
  return { dir: found, state };
}

/** What restoreTraining restores into. */
export interface TrainingParts {
  model: tf.LayersModel;
  optimizer: ScheduledAdam;
  stopper: EarlyStopping | null;
  best: BestCheckpoint | null;
  epochs: number;
  /** This run's folder: best/ is reported there even if the run folder was moved since the checkpoint. */
  runDir?: string | null;
}

function restoreTrackers(parts: TrainingParts, s: ResumeState, file: string): void {
  for (const [tracker, saved, name] of [
    [parts.stopper, s.earlyStopping, 'EarlyStopping'],
    [parts.best, s.bestCheckpoint, 'BestCheckpoint'],
  ] as const) {
    if (!tracker || !saved) continue;
    if (tracker.monitor !== saved.monitor)
      throw new Error(`${file}: ${name} monitored ${saved.monitor}, this run monitors ${tracker.monitor}`);
    Object.assign(tracker, { ...saved, monitor: tracker.monitor });
  }
}

/** Restores model, optimizer and trackers from `from`; returns where fit's loop continues. */
export async function restoreTraining(
  from: ResumeCheckpoint | null | undefined,
  parts: TrainingParts,
): Promise<RestoredRun> {
  if (!from) return notResumed();
  const s = from.state;
  const file = join(from.dir, STATE_FILE);
  if (s.epoch > parts.epochs)
    throw new Error(`${file}: epoch ${s.epoch} is past this run's ${parts.epochs} epochs`);
  await restoreModelWeights(parts.model, join(from.dir, RUN_FILES.model));
  await restoreOptimizer(parts.optimizer, parts.model, from.dir, s.optimizer);
  restoreTrackers(parts, s, file);
  const es = s.earlyStopping;
  return {
    epoch: s.epoch,
    iteration: s.iteration,
    history: structuredClone(s.history),
    bestEvent: s.bestEvent,
    bestPath: s.bestPath && parts.runDir ? runPaths(parts.runDir).best : s.bestPath,
    stoppedEarly: s.stoppedEarly,
    last: s.last,
    earlyStop:
      s.stoppedEarly && es
        ? {
            type: 'earlyStop',
            epoch: es.stoppedEpoch,
            bestEpoch: es.bestEpoch,
            monitor: es.monitor,
            best: es.best,
          }
        : null,
  };
}

/** The state of fit's loop after an epoch, as handed to saveResumePoint. */
export interface ResumePoint {
  st: {
    opts: { model: tf.LayersModel };
    optimizer: ScheduledAdam;
    schedule: LrSchedule;
    epochs: number;
    iteration: number;
  };
  epoch: number;
  history: History;
  stopper: EarlyStopping | null;
  best: BestCheckpoint | null;
  bestEvent: EpochEndEvent | null;
  bestPath: string | null;
  last: EpochEndEvent;
  stoppedEarly: boolean;
}

/** Writes the resume checkpoint of a finished epoch when `resume.save` is set; returns its folder. */
export async function saveResumePoint(
  resume: FitResumeOptions | undefined,
  p: ResumePoint,
  store: RunFolderStore | null,
): Promise<string | null> {
  if (!resume?.save) return null;
  if (!store) throw new Error('fit: resume.save needs a runDir to write the checkpoints into');
  const { optimizer, schedule, iteration } = p.st;
  const adam = await adamSnapshot(optimizer);
  const es = p.stopper;
  const state: ResumeState = {
    format: 'ct3d-resume',
    version: 1,
    epoch: p.epoch,
    epochs: p.st.epochs,
    iteration,
    nextLearningRate: schedule(iteration),
    history: p.history,
    earlyStopping: es && {
      monitor: es.monitor,
      best: es.best,
      bestEpoch: es.bestEpoch,
      wait: es.wait,
      stoppedEpoch: es.stoppedEpoch,
    },
    bestCheckpoint: p.best && { monitor: p.best.monitor, best: p.best.best, bestEpoch: p.best.bestEpoch },
    bestEvent: p.bestEvent,
    bestPath: p.bestPath,
    last: p.last,
    stoppedEarly: p.stoppedEarly,
    rng: RESUME_RNG_NOTE,
    optimizer: adam.record,
    meta: resume.meta ?? {},
    savedAt: new Date().toISOString(),
  };
  return store.saveResumePoint(p.epoch, { model: p.st.opts.model, optimizerBytes: adam.bytes, state });
}
