// A training run over preprocessed volumes in a VolumeStore, browser-safe: what the training page's worker
// runs. The split, settings, model, batches and loop are seed-run.ts's and fit-loop.ts's, as in `ct3d train`;
// only the store differs (a VolumeStore instead of cache files, saved models kept as bytes, not folders).
import type { Recipe } from '@ct3d/augment';
import { modelFileBytes, type tf } from '@ct3d/model';
import { prepareItem } from '@ct3d/pipeline/browser';
import { defer, type Observable } from 'rxjs';
import { type ClassSetup, classSetup, requireEveryClass } from './class-setup.js';
import type { TrainEvent } from './events.js';
import { type FitPersistence, fitWith } from './fit-loop.js';
import { renderMontage } from './png/montage.js';
import { type CheckpointContents, restoreContents, resumeStateOf } from './resume-point.js';
import { notResumed, type ResumeState } from './resume-state.js';
import { modelWeightsOf } from './run-folder/resume-codec.js';
import {
  runSplit,
  type SeedRunOptions,
  type SeedRunSettings,
  seedRunSettings,
  seedTraining,
} from './seed-run.js';
import type { Split } from './split.js';
import type { VolumeStore } from './volume-store.js';

/** One preprocessed scan (as ingest caches it: the recipe's preprocessing, float32), its volume in the store. */
export interface StoredScan {
  /** Its id in run.json's split and in the store. */
  id: string;
  /** Its path (sorts the split within a class, as a cache entry's source does; names it in errors). */
  source: string;
  label: number;
  /** Its volume's shape (every scan's is the recipe's size). */
  shape: [number, number, number];
}

/** Options of trainFromStore: a run's options plus the scans, their store, class names and recipe. */
export interface TrainFromStoreOptions extends SeedRunOptions {
  /** Names the data set in errors (e.g. the dropped folder). */
  where: string;
  scans: StoredScan[];
  /** Holds each scan's preprocessed volume (the loader awaits get()). */
  store: VolumeStore;
  classNames: string[];
  /** The recipe whose preprocessing made the volumes; its augmentation trains. */
  recipe: Recipe;
  /** The backend in use (initBackend's choice), echoed in runStart. */
  backend?: 'auto' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
  backendInUse: { name: string; detail: string; rejected: string[] };
  /** Resume checkpoints kept by the caller: continue from `from`, hand one to `save` after every epoch. */
  resume?: StoreResumeOptions;
}

/** A saved model as its two files. */
export interface ModelBytes {
  /** model.json's text. */
  json: string;
  /** weights.bin's bytes. */
  weights: Uint8Array;
}

/**
 * A resume checkpoint as bytes: what `ct3d train` keeps in resume/epoch-NNNN/ (state.json, model/,
 * optimizer.bin, best/), for a caller that keeps it elsewhere (the training page: its private files).
 */
export interface StoredCheckpoint {
  /** Where it is kept (names it in errors). */
  where: string;
  /** state.json: the finished epoch, schedule position, trackers, history. */
  state: ResumeState;
  /** The weights after that epoch (with the BatchNorm moving statistics). */
  model: ModelBytes;
  /** Adam's moments (optimizer.bin). */
  optimizer: Uint8Array;
  /** The best model at that epoch, when there is one (state.bestPath set). */
  best: ModelBytes | null;
  /** montage.png of the run's first augmented training scan (drawn in epoch 1), when there is one. */
  montage?: Uint8Array | null;
}

/** trainFromStore's resume options. */
export interface StoreResumeOptions {
  /** Continue after this checkpoint's epoch (the same scans and options as the run that saved it). */
  from?: StoredCheckpoint | null;
  /** Called after every finished epoch with its checkpoint; training waits until it resolves. */
  save?: (checkpoint: Omit<StoredCheckpoint, 'where'>) => Promise<void>;
}

/** A stored checkpoint's contents for restoreContents. */
function contentsOf(c: StoredCheckpoint): CheckpointContents {
  const files = {
    state: `${c.where}/state.json`,
    model: `${c.where}/model.json`,
    optimizer: `${c.where}/optimizer.bin`,
  };
  const json = JSON.parse(c.model.json) as tf.io.ModelJSON;
  const weights = modelWeightsOf(json, c.model.weights, {
    json: files.model,
    weights: `${c.where}/weights.bin`,
  });
  return { state: c.state, weights, optimizerBytes: c.optimizer, files };
}

interface Entry {
  id: string;
  source: string;
  file: string;
  label: number;
  shape: [number, number, number];
}

/** A prepared run (its saved models and run files in memory): subscribe to events$ (cold: each subscription trains once). */
export interface MemoryRun {
  events$: Observable<TrainEvent>;
  model: tf.LayersModel;
  split: Split<{ id: string }>;
  classes: ClassSetup;
  settings: SeedRunSettings;
  size: [number, number, number];
  /** What fit saved so far: best (on val_loss) and final models as run-folder files, and montage.png. */
  saved: { best?: ModelBytes; model?: ModelBytes; montage?: Uint8Array };
  /**
   * Resolves once the last subscription's loop has let go of the model: an unsubscribed run finishes its
   * current step (and an epoch end it is in, with its checkpoint) first.
   */
  loopEnded(): Promise<void>;
}

/** Prepares the seed's run on `opts.scans`; refuses (throws) what trainFromCache refuses of a split. */
export function trainFromStore(opts: TrainFromStoreOptions): MemoryRun {
  if (opts.scans.length === 0) throw new Error(`${opts.where}: no scans to train on`);
  const { store } = opts;
  const entries: Entry[] = opts.scans.map((s) => ({
    id: s.id,
    source: s.source,
    file: s.source,
    label: s.label,
    shape: [...s.shape],
  }));
  const size = entries[0].shape;
  const split = runSplit(entries, opts);
  requireEveryClass(opts.where, split, opts.classNames);
  const classes = classSetup(opts.where, split, opts.classNames, opts);
  const settings = seedRunSettings(opts);
  const { backendInUse } = opts;
  const { model, fitOptions } = seedTraining({
    where: opts.where,
    size,
    split,
    classes,
    settings,
    load: async (entry, augment, seed) =>
      prepareItem(await store.get(entry.id), { augment, transforms: opts.recipe.augment, seed }),
    echo: {
      backend: backendInUse.name,
      backendDetail: backendInUse.detail,
      backendRejected: backendInUse.rejected,
    },
  });
  const saved: MemoryRun['saved'] = {};
  // The loop of the latest subscription: made when it subscribes, settled by fit's ended().
  let ended = Promise.resolve();
  const io: FitPersistence = {
    store: {
      saveBest: async (m) => {
        saved.best = await modelFileBytes(m);
        return 'best';
      },
      saveFinal: async (m) => {
        saved.model = await modelFileBytes(m);
        return 'model';
      },
      saveSample: async (scan) => {
        saved.montage = await renderMontage(scan).toPng();
      },
    },
    restore: async (parts) => {
      const from = opts.resume?.from;
      if (!from) return notResumed();
      const past = await restoreContents(contentsOf(from), parts);
      if (from.best) saved.best = from.best;
      if (from.montage) saved.montage = from.montage;
      return past;
    },
    saveResumePoint: async (point) => {
      const save = opts.resume?.save;
      if (!save) return;
      const { state, optimizerBytes } = await resumeStateOf(point, {});
      const model = await modelFileBytes(point.st.opts.model);
      const best = state.bestPath ? (saved.best ?? null) : null;
      await save({ state, model, optimizer: optimizerBytes, best, montage: saved.montage ?? null });
    },
  };
  const events$ = defer(() => {
    let loopDone = () => {};
    ended = new Promise<void>((resolve) => {
      loopDone = resolve;
    });
    // The montage shows the first sample placed by its volume's affine, as `ct3d train`'s (cache file's).
    const scanAffine = async (id: string) => (await store.get(id)).affine;
    return fitWith({ ...fitOptions, scanAffine }, { ...io, ended: () => loopDone() });
  });
  const loopEnded = () => ended;
  return { events$, model, split, classes, settings, size, saved, loopEnded };
}
