// Messages between the training page (main.ts) and its worker (worker.ts). One Train press is one run: the
// worker says which scans it found per class (plan), preprocesses each (prepared / scan-failed), then streams
// the trainer's events; at the end it hands the run folder as a zip and the validation predictions.
import type { SkippedFile } from '@ct3d/io/dicom';
import type { TrainEvent } from '@ct3d/train/browser';
import type { DroppedFile } from '../protocol.js';

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
  | { type: 'prepared'; scan: number; ms: number }
  | { type: 'scan-failed'; scan: number; message: string }
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
