// Messages between the page (main.ts) and its worker (worker.ts). Every stage reports when it ends, with its
// time, so the page shows a progress line per stage and never blocks.
import type { WebManifest } from '../manifest.js';

export type StageName = 'read' | 'decode' | 'preprocess' | 'predict' | 'gradcam';

export type ToWorker =
  | { type: 'init'; base: string; manifest: WebManifest; backend: string }
  | { type: 'diagnose'; id: number; file: File };

export interface MemoryReport {
  /** tfjs tensors alive after the request (the model's weights only, when nothing leaks). */
  numTensors: number;
  numBytes: number;
}

export type FromWorker =
  | { type: 'ready'; backend: string; detail: string; rejected: string[]; loadMs: number }
  | { type: 'init-failed'; message: string }
  | { type: 'stage'; id: number; stage: StageName; ms: number }
  | {
      type: 'prediction';
      id: number;
      probabilities: number[];
      text: string;
      /** The preprocessed scan (the model's input, values in [0, 1] of the HU window), i fastest. */
      volume: Float32Array;
      shape: [number, number, number];
    }
  | {
      type: 'gradcam';
      id: number;
      cam: Float32Array;
      layer: string;
      classIndex: number;
      memory: MemoryReport;
    }
  | { type: 'failed'; id: number; message: string; memory: MemoryReport };
