// The seed's training run over any store of preprocessed scans, browser-safe: the split, the run settings
// with their defaults, the seed model and fit's options. trainFromCache (`ct3d train`) and the training page
// both build their runs here, so that the same files, seed, recipe and backend train the same weights.
import { buildSeedModel, type tf } from '@ct3d/model';
import type { BatchItem, ItemLoader } from '@ct3d/pipeline/browser';
import { batchSources, DEFAULT_BN_STATS_BATCHES, type TrainingSources } from './batch-sources.js';
import type { ClassSetup } from './class-setup.js';
import type { FitOptions } from './fit-loop.js';
import type { RunInfo } from './run-folder/run-info.js';
import { exponentialDecay } from './schedule.js';
import { kFoldSplits, type Labeled, type Split, splitEntries } from './split.js';
import type { TrainFromCacheOptions } from './train-options.js';

/** The options of a run that decide its weights (trainFromCache's, without its folders and workers). */
export type SeedRunOptions = Omit<
  TrainFromCacheOptions,
  'cacheDir' | 'runDir' | 'workers' | 'resume' | 'overwrite'
>;

/** run.json's settings of a run, less those of its folders and workers. */
export type SeedRunSettings = Omit<RunInfo['settings'], 'cacheDir' | 'runDir' | 'workers'>;

/** The run's settings with the seed's defaults filled in. */
export function seedRunSettings(opts: SeedRunOptions): SeedRunSettings {
  return {
    epochs: opts.epochs ?? 100,
    batchSize: opts.batchSize ?? 2,
    backend: opts.backend ?? 'auto',
    seed: opts.seed ?? 0,
    valFraction: opts.valFraction ?? 0.3,
    splitSeed: opts.splitSeed ?? null,
    folds: opts.folds ?? null,
    fold: opts.folds === undefined ? null : (opts.fold ?? 1),
    filters: opts.filters ?? [64, 64, 128, 256],
    patience: opts.patience ?? 15,
    augment: opts.augment ?? true,
    learningRate: opts.learningRate ?? 1e-4,
    batchNormMomentum: opts.batchNormMomentum ?? 0.99,
    bnStats: opts.bnStats ?? 'precise',
    bnStatsBatches: opts.bnStatsBatches ?? DEFAULT_BN_STATS_BATCHES,
  };
}

/** The run's split: the seed's 70/30 per class, or fold `fold` of `folds`. */
export function runSplit<T extends Labeled>(entries: readonly T[], opts: SeedRunOptions): Split<T> {
  return opts.folds === undefined
    ? splitEntries(entries, { valFraction: opts.valFraction, splitSeed: opts.splitSeed })
    : kFoldSplits(entries, opts.folds, (opts.fold ?? 1) - 1, { splitSeed: opts.splitSeed });
}

/** What seedTraining needs: the scans' size, split and classes, the settings and the item loader. */
export interface SeedTrainingInputs<T extends BatchItem> {
  /** Names the data set in errors. */
  where: string;
  size: [number, number, number];
  split: Split<T>;
  classes: ClassSetup;
  settings: SeedRunSettings;
  load: ItemLoader<T>;
  /** Echoed in runStart beside the settings (backend, folders, workers, ...). */
  echo: Record<string, unknown>;
  utilization?: () => number;
}

/** The seed model and fit's options for the run (the caller adds its run folder, resume and montage). */
export function seedTraining<T extends BatchItem>(
  input: SeedTrainingInputs<T>,
): { model: tf.LayersModel; sources: TrainingSources; fitOptions: FitOptions } {
  const { settings, classes } = input;
  const [width, height, depth] = input.size;
  const model = buildSeedModel({
    width,
    height,
    depth,
    filters: settings.filters,
    seed: settings.seed,
    outputUnits: classes.outputUnits,
    batchNormMomentum: settings.batchNormMomentum,
  });
  const sources = batchSources({
    where: input.where,
    train: input.split.train,
    val: input.split.val,
    load: input.load,
    batchSize: settings.batchSize,
    seed: settings.seed,
    augment: settings.augment,
    ...(classes.sampling === 'balanced' && { sampling: 'balanced' as const }),
    bnStatsBatches: settings.bnStatsBatches,
    utilization: input.utilization,
  });
  const fitOptions: FitOptions = {
    model,
    train: sources.train,
    validation: sources.validation,
    stepsPerEpoch: sources.stepsPerEpoch,
    epochs: settings.epochs,
    earlyStopping: { monitor: 'val_acc', patience: settings.patience },
    learningRate: exponentialDecay({
      initialLearningRate: settings.learningRate,
      decaySteps: 100_000,
      decayRate: 0.96,
      staircase: true,
    }),
    ...(classes.weights && { classWeights: classes.weights }),
    classNames: classes.names,
    ...(settings.bnStats === 'precise' && {
      preciseBatchNorm: { source: sources.bnStats, maxBatches: settings.bnStatsBatches },
    }),
    settings: {
      ...settings,
      ...input.echo,
      size: input.size,
      classes: classes.count,
      classWeight: classes.classWeight,
      sampling: classes.sampling,
    },
  };
  return { model, sources, fitOptions };
}
