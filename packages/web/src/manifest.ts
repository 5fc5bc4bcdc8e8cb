// manifest.json of an exported page: what the page needs to know about the run besides the model itself.
// Type-only for the page (page/*.ts import it with `import type`), so it holds no Node code.
import type { TransformEntry } from '@ct3d/augment';
import type { TrainingSetRecord } from '@ct3d/train';

/** The exported page's manifest file name. */
export const MANIFEST_FILE = 'manifest.json';
/** Where the model's files sit in the page folder (model.json + weights.bin). */
export const MODEL_FOLDER = 'model/';
/** Where the .wasm files sit in the page folder. */
export const WASM_FOLDER = 'wasm/';

/** What the page reads about the run: input size, head, class names, HU window, limits and trust facts. */
export interface WebManifest {
  format: 'ct3d-web-1';
  /** The run folder's name, shown on the page. */
  run: string;
  /** Which checkpoint was exported: best/ (the seed reloads its best checkpoint) or model/ (the final one). */
  checkpoint: string;
  /** The model's input [width, height, depth]: scans are resized to it as ingest does. */
  inputSize: [number, number, number];
  /** 'sigmoid': one unit, p(class 1); 'softmax': one unit per class. */
  head: 'sigmoid' | 'softmax';
  /** One name per class (index = label). */
  classNames: string[];
  /** The HU window of the seed's normalisation (processScan's), so the page can map values back to HU. */
  huWindow: { min: number; max: number };
  /**
   * The run's recipe preprocessing (run.json; the seed preset when the run has none): the page runs exactly
   * what ingest ran. Absent in pages exported before recipes: the seed preset at inputSize.
   */
  preprocess?: TransformEntry[];
  /** A scan needing more bytes than this (decoded file + float32 voxels) is refused before it is read. */
  maxScanBytes: number;
  /**
   * The run's validation results at its best epoch (metrics.json): AUC, and sensitivity and specificity at
   * `threshold`; null when the run recorded none (a model saved without `ct3d train`).
   */
  validation: ValidationSummary | null;
  /** Scans the model was trained on (run.json's split); null when the run did not record it. */
  trainingScans: number | null;
  /** The training scans' source shapes and windowed HU spread (run.json); null in runs recorded before it. */
  trainingSet: TrainingSetRecord | null;
}

export interface ValidationSummary {
  /** The best epoch (1-based) whose numbers these are. */
  epoch: number | null;
  /** Validation scans (run.json's split), when recorded. */
  scans: number | null;
  auc: number | null;
  sensitivity: number | null;
  specificity: number | null;
  /** p(class 1) above it is class 1 (the run's decision threshold). */
  threshold: number;
}
