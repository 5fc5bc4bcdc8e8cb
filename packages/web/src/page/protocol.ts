// Messages between the page (main.ts) and its worker (worker.ts). A drop is one request: the worker says
// which scans it holds (plan), then each scan's stages as they end, so the page shows progress and never blocks.
import type { SkippedFile } from '@ct3d/io/dicom';
import type { WebManifest } from '../manifest.js';

export type StageName = 'read' | 'decode' | 'preprocess' | 'predict' | 'gradcam';

export interface DroppedFile {
  file: File;
  /** Its path inside a dropped or picked folder, else its name: what lists and errors call it. */
  path: string;
}

/** What the page shows of a scan before it is read: never a patient attribute. */
export interface ScanFacts {
  /** A NIfTI file's path, or a series' safe SeriesDescription and a hash of its UID. */
  name: string;
  format: 'nifti' | 'dicom';
  /** DICOM only: the series' modality, slice count and image size (columns x rows). */
  modality?: string;
  slices?: number;
  size?: [number, number];
}

export type ToWorker =
  | {
      type: 'init';
      /** Where the .wasm files are (the page's wasm/, or the training page's beside diagnose/). */
      wasm: string;
      manifest: WebManifest;
      backend: string;
      /** Where model.json is (the page's model/), or the model's two files (trained in this browser). */
      model: string | { json: string; weights: Uint8Array };
    }
  | { type: 'diagnose'; id: number; files: DroppedFile[]; unreadable: SkippedFile[] };

export interface MemoryReport {
  /** tfjs tensors alive after the request (the model's weights only, when nothing leaks). */
  numTensors: number;
  numBytes: number;
}

export type FromWorker =
  | { type: 'ready'; backend: string; detail: string; rejected: string[]; loadMs: number }
  | { type: 'init-failed'; message: string }
  /** The scans of a request, in the order they run, and the files that are none (with the reason). */
  | { type: 'plan'; id: number; scans: ScanFacts[]; skipped: SkippedFile[] }
  | { type: 'start'; id: number; scan: number }
  | { type: 'stage'; id: number; scan: number; stage: StageName; ms: number }
  | {
      type: 'prediction';
      id: number;
      scan: number;
      probabilities: number[];
      text: string;
      /** The scan as read, in HU, as NIfTI bytes (its own grid and affine): what the viewer shows. */
      scanNifti: Uint8Array;
      /** The scan as read (before preprocessing): its shape, and its windowed HU mean and std (the input's). */
      scanShape: [number, number, number];
      huMean: number;
      huStd: number;
    }
  | {
      type: 'gradcam';
      id: number;
      scan: number;
      /** The heat map in [0, 1] on the scan's grid (the preprocessing undone), as NIfTI bytes. */
      heatNifti: Uint8Array;
      method: string;
      layer: string;
      classIndex: number;
      memory: MemoryReport;
    }
  /** One scan failed (scan = its index), or the whole request (scan = -1): one line naming it. */
  | { type: 'failed'; id: number; scan: number; message: string; memory: MemoryReport }
  | { type: 'finished'; id: number };
