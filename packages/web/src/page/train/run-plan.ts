// A training-page run as its folder in the browser's private files keeps it, pure: the plan (settings, class
// names, scans with their ids, labels, shapes and volume files, where, startedAt) and the names of the
// folder's files. run-folders.ts reads and writes them; a reload resumes the run from them.
import type { Recipe } from '@ct3d/augment';
import type { StoredScan } from '@ct3d/train/browser';
import type { TrainSettings } from './protocol.js';

/** The folder of every run's folder (<RUNS_FOLDER>/<runId>/) in the origin-private file system. */
export const RUNS_FOLDER = 'ct3d-train';
/** The sessionStorage key of this tab's run id: a reload finds its run again. */
export const RUN_ID_KEY = 'ct3d-train-run';
/** The names in a run's folder. */
export const RUN_LAYOUT = {
  /** The preprocessed volumes (opfs-store.ts), one file a scan. */
  volumes: 'volumes',
  /** The run's plan (RunPlan), written once preprocessing is done. */
  plan: 'plan.json',
  /** The resume checkpoint of the last finished epoch: resume/epoch-NNNN/, its state.json written last. */
  resume: 'resume',
  state: 'state.json',
  model: 'model.json',
  weights: 'weights.bin',
  optimizer: 'optimizer.bin',
  bestModel: 'best.json',
  bestWeights: 'best.bin',
  /** The run's montage.png (drawn in epoch 1), kept with each checkpoint. */
  montage: 'montage.png',
  /** The run's events up to that epoch, one JSON object a line (the download's events.jsonl). */
  events: 'events.jsonl',
  /** Written when the run has ended: nothing to resume, the folder goes when the next run starts. */
  finished: 'finished.json',
} as const;

/** What resuming a run needs besides its checkpoint. */
export interface RunPlan {
  format: 'ct3d-train-page-run';
  version: 1;
  runId: string;
  /** The dropped folder's name. */
  where: string;
  startedAt: string;
  settings: TrainSettings;
  classNames: string[];
  recipe: Recipe;
  /** The scans preprocessed (failed ones left out). */
  scans: StoredScan[];
  /** Each scan's volume file in volumes/, by scan id. */
  volumes: Record<string, string>;
}

/** resume/'s folder of epoch `epoch`'s checkpoint. */
export const checkpointFolder = (epoch: number): string => `epoch-${String(epoch).padStart(4, '0')}`;

/** The checkpoint folders among `names` (resume/'s entries), newest epoch first. */
export function newestFirst(names: readonly string[]): { name: string; epoch: number }[] {
  return names
    .flatMap((name) => {
      const m = /^epoch-(\d{4,})$/.exec(name);
      return m ? [{ name, epoch: Number(m[1]) }] : [];
    })
    .sort((a, b) => b.epoch - a.epoch);
}

const isInteger = (v: unknown, min: number): v is number => Number.isInteger(v) && (v as number) >= min;

/** Parses a plan.json's text (read from `file`); a plan that is not one throws naming the file and why. */
export function parseRunPlan(text: string, file: string): RunPlan {
  let plan: RunPlan;
  try {
    plan = JSON.parse(text) as RunPlan;
  } catch (err) {
    throw new Error(`${file}: invalid JSON (${(err as Error).message})`);
  }
  const fail = (why: string): never => {
    throw new Error(`${file}: ${why}`);
  };
  if (plan?.format !== 'ct3d-train-page-run' || plan.version !== 1) fail('not a training-page run plan');
  if (!isInteger(plan.settings?.epochs, 1)) fail('settings.epochs is not a positive integer');
  if (!Array.isArray(plan.classNames) || plan.classNames.length < 2) fail('fewer than 2 class names');
  if (!Array.isArray(plan.scans) || plan.scans.length === 0) fail('no scans');
  for (const s of plan.scans) {
    if (typeof s?.id !== 'string') fail('a scan without an id');
    if (!isInteger(s.label, 0) || s.label >= plan.classNames.length)
      fail(`${s.id}: label ${s.label} names no class`);
    if (!Array.isArray(s.shape) || s.shape.length !== 3 || !s.shape.every((n) => isInteger(n, 1)))
      fail(`${s.id}: shape is not 3 positive integers`);
    if (typeof plan.volumes?.[s.id] !== 'string') fail(`${s.id}: no volume file`);
  }
  return plan;
}
