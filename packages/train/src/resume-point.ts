// A resume checkpoint made and restored, browser-safe: the state of fit's loop after a finished epoch as
// state.json plus optimizer.bin bytes, and that state put back into a fresh model, optimizer and trackers.
// resume.ts keeps checkpoints in a run folder (`ct3d train`), the training page in its private files.
import type { tf } from '@ct3d/model';
import type { BestCheckpoint, EarlyStopping } from './callbacks.js';
import type { EpochEndEvent, History } from './events.js';
import type { RestoredRun, ResumeState } from './resume-state.js';
import { adamSnapshot, restoreOptimizerBytes, setModelWeights } from './resume-weights.js';
import type { TensorSpec } from './run-folder/resume-codec.js';
import type { LrSchedule } from './schedule.js';
import type { ScheduledAdam } from './step.js';

/** Shuffling and augmentation are functions of (seed, epoch): see RNG_NOTES in rng-notes.ts. */
export const RESUME_RNG_NOTE =
  'no RNG state is saved: shuffle and augmentation seeds are derived from (seed, epoch), so the next epoch ' +
  'number restores them; Dropout masks are derived from (seed, epoch, step)';

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

/** A finished epoch's checkpoint state (state.json) and Adam's moments (optimizer.bin). */
export async function resumeStateOf(
  p: ResumePoint,
  meta: Record<string, unknown>,
): Promise<{ state: ResumeState; optimizerBytes: Uint8Array }> {
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
    meta,
    savedAt: new Date().toISOString(),
  };
  return { state, optimizerBytes: adam.bytes };
}

/** A checkpoint's contents, read; each `files` name says where a part came from, for errors. */
export interface CheckpointContents {
  /** state.json, parsed (fromJson). */
  state: ResumeState;
  /** The model's weights (modelWeightsOf). */
  weights: { specs: TensorSpec[]; values: Float32Array[] };
  /** optimizer.bin. */
  optimizerBytes: Uint8Array;
  /** Where state.json, the model and optimizer.bin came from. */
  files: { state: string; model: string; optimizer: string };
}

/** Refuses what is not a ct3d resume state (`state` parsed from `file`). */
export function checkResumeState(state: unknown, file: string): ResumeState {
  const s = state as ResumeState | null;
  if (s?.format !== 'ct3d-resume' || s.version !== 1) throw new Error(`${file}: not a ct3d resume state`);
  return s;
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

/** Restores model, optimizer and trackers from a checkpoint's contents; returns where fit's loop continues. */
export async function restoreContents(c: CheckpointContents, parts: TrainingParts): Promise<RestoredRun> {
  const s = c.state;
  if (s.epoch > parts.epochs)
    throw new Error(`${c.files.state}: epoch ${s.epoch} is past this run's ${parts.epochs} epochs`);
  setModelWeights(parts.model, c.weights, c.files.model);
  await restoreOptimizerBytes(parts.optimizer, parts.model, c.optimizerBytes, s.optimizer, c.files.optimizer);
  restoreTrackers(parts, s, c.files.state);
  const es = s.earlyStopping;
  return {
    epoch: s.epoch,
    iteration: s.iteration,
    history: structuredClone(s.history),
    bestEvent: s.bestEvent,
    bestPath: s.bestPath,
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
