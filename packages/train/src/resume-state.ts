// The resume checkpoint's state as a plain type, shared by the trainer and the run folder store without an
// import cycle.
import type { EpochEndEvent, History } from './events.js';
import type { AdamRecord } from './resume-weights.js';

export interface ResumeState {
  format: 'ct3d-resume';
  version: 1;
  /** Last finished epoch (1-based): training continues at epoch + 1. */
  epoch: number;
  epochs: number;
  /** Optimizer steps taken so far = the learning-rate schedule's position. */
  iteration: number;
  /** The rate the next step uses (schedule(iteration)). */
  nextLearningRate: number;
  history: History;
  earlyStopping: {
    monitor: string;
    best: number;
    bestEpoch: number;
    wait: number;
    stoppedEpoch: number;
  } | null;
  bestCheckpoint: { monitor: string; best: number; bestEpoch: number } | null;
  bestEvent: EpochEndEvent | null;
  bestPath: string | null;
  last: EpochEndEvent | null;
  stoppedEarly: boolean;
  rng: string;
  optimizer: AdamRecord;
  /** Caller's extras (e.g. the data manifest hash). */
  meta: Record<string, unknown>;
  savedAt: string;
}
