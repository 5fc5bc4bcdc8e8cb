// Messages between the training page (main.ts) and its worker (worker.ts). One Train press is one run: the
// worker says which scans it found per class (plan), preprocesses each (prepared / scan-failed), then streams
// the trainer's events; at the end it hands the run folder as a zip and the validation predictions.
import type { Volume } from '@ct3d/core';
import type { SkippedFile } from '@ct3d/io/dicom';
import type { TrainEvent } from '@ct3d/train/browser';
import type { DroppedFile } from '../protocol.js';
import type { LeftoverRun } from './run-folders.js';

/** What the form sets: the options of `ct3d ingest` and `ct3d train` the page offers. */
export interface TrainSettings {
  size: [number, number, number];
  epochs: number;
  seed: number;
  /** A recipe preset of @ct3d/augment (`--transforms`). */
  preset: string;
  /** Conv3D filters per block (`--filters`). */
  filters: number[];
  batchSize: number;
  backend: 'auto' | 'wasm' | 'webgpu' | 'cpu';
}

/** A labels CSV picked on the page: its name, size and text. */
export interface LabelsCsv {
  name: string;
  size: number;
  text: string;
}

export type ToTrainWorker =
  /** First message: this tab's run id (sessionStorage), null when it has none: its run is offered again. */
  | { type: 'init'; runId: string | null }
  /** Continue run `runId` (this tab's, or a closed tab's) from its last finished epoch. */
  | { type: 'resume'; runId: string }
  /** Delete run `runId`'s kept files (this tab's unfinished run, or a closed tab's). */
  | { type: 'discard'; runId: string }
  | {
      type: 'train';
      files: DroppedFile[];
      unreadable: SkippedFile[];
      settings: TrainSettings;
      /** A labels CSV (rows `path,class`, as `ct3d ingest --labels`) instead of class folders. */
      labels?: LabelsCsv;
    }
  | { type: 'stop' }
  /** The heat map of validation scan `id` by the finished run's best checkpoint. */
  | { type: 'explain'; id: string };

/** A validation scan predicted by the run's best checkpoint (what `ct3d predict --run` loads). */
export interface ValidationRow {
  id: string;
  label: number;
  probabilities: number[];
}

export type FromTrainWorker =
  /**
   * The scans found, by class folder or labels CSV (index = label), the files that are none, with why, and
   * the labels CSV's problem lines (each naming its row).
   */
  | {
      type: 'plan';
      classNames: string[];
      scans: { id: string; label: number }[];
      skipped: SkippedFile[];
      problems: string[];
    }
  /** The browser refused its private files (why): the preprocessed scans are kept in memory. */
  | { type: 'store-refused'; message: string }
  /** The run now in this tab; persistent: kept in the private files (a reload finds it by this id). */
  | { type: 'run'; runId: string; persistent: boolean }
  /** An unfinished run Resume continues: its last finished epoch kept (0: none yet) and its settings. */
  | {
      type: 'resumable';
      runId: string;
      where: string;
      epoch: number;
      epochs: number;
      settings: TrainSettings;
      persistent: boolean;
    }
  /** Resume started: the run's events so far follow (replayed), then its new ones. */
  | { type: 'resuming'; runId: string; epoch: number; settings: TrainSettings }
  /** Epoch `epoch`'s checkpoint is kept: a Stop or reload from now on resumes after it. */
  | { type: 'kept'; epoch: number }
  /** Closed tabs' unfinished runs in this browser (finished ones are deleted). */
  | { type: 'leftovers'; runs: LeftoverRun[] }
  /** This tab's kept run is held by another tab (e.g. the one this tab was duplicated from). */
  | { type: 'run-elsewhere'; runId: string }
  | { type: 'discarded'; runId: string }
  /** The scans are preprocessed on this many workers (preprocess-pool.ts). */
  | { type: 'pool'; workers: number }
  | { type: 'prepared'; scan: number; ms: number }
  | { type: 'scan-failed'; scan: number; message: string }
  /** All planned scans preprocessed (`failed` of them could not be), in `ms` from the first dispatch. */
  | { type: 'preprocessed'; ms: number; scans: number; failed: number }
  /** threads: the wasm conv kernels' (2 where the page is cross-origin isolated); isolated: crossOriginIsolated. */
  | { type: 'backend'; name: string; detail: string; threads: number; isolated: boolean }
  | { type: 'event'; event: TrainEvent }
  | { type: 'validation'; rows: ValidationRow[] }
  /**
   * The run folder as a zip (the name of its folder inside), or why there is none; diagnosable: its model
   * is kept in this browser for the diagnosis page (diagnose/).
   */
  | {
      type: 'finished';
      zip: Uint8Array | null;
      folder: string;
      stopped: boolean;
      diagnosable?: boolean;
      /** Why the model could not be kept for the diagnosis page (the browser refused the storage). */
      notKept?: string;
    }
  | { type: 'failed'; message: string }
  /**
   * A validation scan's heat map (interactiveExplanation's method, as the diagnosis page and dashboard make
   * it) on the preprocessed scan the model read: both as NIfTI bytes on its grid, the scan in HU.
   */
  | {
      type: 'heat-map';
      id: string;
      scanNifti: Uint8Array;
      heatNifti: Uint8Array;
      method: string;
      layer: string;
      classIndex: number;
    }
  | { type: 'heat-map-failed'; id: string; message: string };

/** A preprocessing worker's answer to a job (preprocess-worker.ts): the volume, voxels transferred, or why not. */
export type FromPreprocessWorker = { id: string; volume: Volume } | { id: string; error: string };
