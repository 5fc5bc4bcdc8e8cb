// A run's manifest.json, browser-safe: `ct3d export-web` and the dashboard build it from a run folder
// (export.ts' webManifest), the training page from the run it just trained in the tab, with the same code.
import { seedRecipe } from '@ct3d/augment';
import { SEED_HU_WINDOW } from '@ct3d/preprocess';
import type { RunInfo } from '@ct3d/train';
import { predictionClassNames } from '@ct3d/train/format';
import type { ValidationSummary, WebManifest } from './manifest.js';

/** A scan needing more than this in the tab is refused before it is read (tabs get a few GiB at most). */
export const DEFAULT_MAX_SCAN_BYTES = 1.5 * 1024 ** 3;

const finite = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const field = (o: unknown, key: string): unknown =>
  typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[key] : undefined;

/** The best epoch's validation numbers of a parsed metrics.json (null without a best epoch). */
export function validationSummary(metrics: unknown, info: RunInfo | null): ValidationSummary | null {
  const best = field(metrics, 'best');
  if (typeof best !== 'object' || best === null) return null;
  return {
    epoch: finite(field(metrics, 'bestEpoch')),
    scans: info?.split?.val.length ?? null,
    auc: finite(field(best, 'val_auc')),
    sensitivity: finite(field(best, 'val_sensitivity')),
    specificity: finite(field(best, 'val_specificity')),
    threshold: finite(field(field(metrics, 'settings'), 'threshold')) ?? 0.5,
  };
}

/** What a run's manifest is made of: its model's shapes, its run.json and metrics.json (parsed). */
export interface RunManifestFacts {
  /** The run folder's name. */
  run: string;
  /** The checkpoint folder's name: best or model. */
  checkpoint: string;
  /** The model's input shape [batch, w, h, d, channels] and output units. */
  inputShape: readonly (number | null)[];
  units: number | null | undefined;
  info: RunInfo | null;
  metrics?: unknown;
  maxScanBytes?: number;
  /** Names the model in errors. */
  where: string;
}

/** The manifest for a run (its model decides the input size and the head). */
export function runManifest(facts: RunManifestFacts): WebManifest {
  const [, w, h, d] = facts.inputShape;
  const { units, info } = facts;
  if (!w || !h || !d || !units) throw new Error(`${facts.where}: the model has no fixed [w, h, d] input`);
  const { preprocess } = info?.recipe ?? seedRecipe([w, h, d]);
  const window = preprocess.find((e) => e.name === 'ScaleIntensityRange');
  return {
    format: 'ct3d-web-1',
    run: facts.run,
    checkpoint: facts.checkpoint,
    inputSize: [w, h, d],
    head: units === 1 ? 'sigmoid' : 'softmax',
    // The names `ct3d predict` says: the seed's normal / abnormal for a sigmoid head.
    classNames: predictionClassNames(units, info?.classNames),
    huWindow: window ? { min: Number(window.a_min), max: Number(window.a_max) } : { ...SEED_HU_WINDOW },
    preprocess,
    maxScanBytes: facts.maxScanBytes ?? DEFAULT_MAX_SCAN_BYTES,
    validation: validationSummary(facts.metrics, info),
    trainingScans: info?.split?.train.length ?? null,
    trainingSet: info?.trainingSet ?? null,
  };
}
