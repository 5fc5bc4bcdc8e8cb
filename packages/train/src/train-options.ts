// trainFromCache's options as a plain type, shared with the run folder (run.json, resume) without an import cycle.
import type { RecipeSource } from '@ct3d/augment';
import type { ClassWeightOption } from './class-setup.js';

/** BatchNorm statistics at inference: Keras' moving averages, or recomputed after each epoch (precise). */
export type BnStats = 'keras' | 'precise';

/** Options of trainFromCache. */
export interface TrainFromCacheOptions {
  cacheDir: string;
  runDir: string;
  /** Default 100 (the seed). */
  epochs?: number;
  /** Default 2 (the seed). */
  batchSize?: number;
  /** tfjs backend, default 'auto'. */
  backend?: 'auto' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
  /** Seeds weight init, shuffling and augmentation (default 0). */
  seed?: number;
  /** Worker threads for loading and augmentation (default: all cores). */
  workers?: number;
  /** Validation share of each class (default 0.3: the seed's 70/30 split). */
  valFraction?: number;
  /** Shuffle each class with this seed before splitting (default: sorted order, the seed). */
  splitSeed?: number;
  /** Conv filters per block (default the seed's [64, 64, 128, 256]); fewer blocks for small inputs. */
  filters?: number[];
  /** EarlyStopping patience on val_acc (default 15). */
  patience?: number;
  /** Augment training scans (default true). */
  augment?: boolean;
  /** Transforms recipe (`--transforms`): a preset or a recipe file; default the seed preset. */
  transforms?: RecipeSource;
  /** Initial rate of the seed's ExponentialDecay(decay_steps 100000, rate 0.96, staircase); default 1e-4. */
  learningRate?: number;
  /** BatchNorm moving-average momentum (default 0.99, Keras). */
  batchNormMomentum?: number;
  /** Per-class loss weights: 'balanced' (n / (k * n_c) over the training split) or one weight per class. */
  classWeight?: ClassWeightOption;
  /** 'balanced': training batches draw every class equally often (default 'shuffle': each scan once an epoch). */
  sampling?: 'shuffle' | 'balanced';
  /**
   * BatchNorm statistics used at inference: 'precise' (default) recomputes each layer's moving mean and
   * variance after every epoch over a bounded sample of unaugmented training scans (`bnStatsBatches`
   * batches), so they match the trained weights; 'keras' keeps the seed's moving averages (momentum
   * `batchNormMomentum`), which on small data sets often collapse validation predictions to one class.
   */
  bnStats?: BnStats;
  /** Batches in the precise-BatchNorm sample each epoch (default 16 = 32 scans at batch 2). */
  bnStatsBatches?: number;
  /**
   * K-fold cross-validation (with `fold`): this run trains on the other folds and validates on fold `fold`
   * (1-based) of kFoldSplits(K) instead of the 70/30 split; `valFraction` is then unused. `ct3d train --folds K`
   * runs every fold, then summarizeFolds.
   */
  folds?: number;
  fold?: number;
  /** Continue the run in runDir from its last resume checkpoint (options: resumeOptions(runDir)). */
  resume?: boolean;
  /** Replace the run runDir already holds (its run files); without it (or resume) such a folder is refused. */
  overwrite?: boolean;
}
