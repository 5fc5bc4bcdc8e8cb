// The resume checkpoint's state as a plain type, shared by the trainer and the run folder store without an
// import cycle.
import type { EarlyStopEvent, EpochEndEvent, History, ResumedFrom } from './events.js';
import type { AdamRecord } from './resume-weights.js';

/** A resume checkpoint's state.json: where fit's loop stood after a finished epoch. */
export interface ResumeState {
  /** Names the document. */
  format: 'ct3d-resume';
  /** Its format's version. */
  version: 1;
  /** Last finished epoch (1-based): training continues at epoch + 1. */
  epoch: number;
  /** The run's epochs. */
  epochs: number;
  /** Optimizer steps taken so far = the learning-rate schedule's position. */
  iteration: number;
  /** The rate the next step uses (schedule(iteration)). */
  nextLearningRate: number;
  /** Every finished epoch's metrics so far. */
  history: History;
  /** EarlyStopping's tracker (null: off). */
  earlyStopping: {
    monitor: string;
    best: number;
    bestEpoch: number;
    wait: number;
    stoppedEpoch: number;
  } | null;
  /** BestCheckpoint's tracker (null: off). */
  bestCheckpoint: { monitor: string; best: number; bestEpoch: number } | null;
  /** The best epoch's event so far. */
  bestEvent: EpochEndEvent | null;
  /** Where the best model was saved (null: not yet). */
  bestPath: string | null;
  /** The last finished epoch's event. */
  last: EpochEndEvent | null;
  /** Whether EarlyStopping ended the run at this epoch. */
  stoppedEarly: boolean;
  /** Why no RNG state is saved (RESUME_RNG_NOTE). */
  rng: string;
  /** Adam's step count and beta powers (its moments are optimizer.bin). */
  optimizer: AdamRecord;
  /** Caller's extras (e.g. the data manifest hash). */
  meta: Record<string, unknown>;
  /** When it was saved (ISO time). */
  savedAt: string;
}

/** What fit's loop needs to continue a run; the empty run when there is nothing to resume. */
export interface RestoredRun {
  epoch: number;
  iteration: number;
  history: History;
  bestEvent: EpochEndEvent | null;
  bestPath: string | null;
  stoppedEarly: boolean;
  last: EpochEndEvent | null;
  earlyStop: EarlyStopEvent | null;
}

/** A run that starts at epoch 1: nothing to resume. */
export function notResumed(): RestoredRun {
  const none = { epoch: 0, iteration: 0, history: {}, bestEvent: null, bestPath: null, last: null };
  return { ...none, stoppedEarly: false, earlyStop: null };
}

/** runStart's `resumed` field (a copy: fit keeps appending to its own history). */
export function resumedInfo(past: RestoredRun): { resumed?: ResumedFrom } {
  if (past.epoch === 0) return {};
  return { resumed: { epoch: past.epoch, history: structuredClone(past.history), last: past.last } };
}
