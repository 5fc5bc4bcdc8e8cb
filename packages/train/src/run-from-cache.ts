import { resolve } from 'node:path';
import { buildSeedModel, initBackend } from '@ct3d/model';
import {
  type CacheManifest,
  createWorkerPool,
  loadCache,
  verifyCacheEntries,
  type WorkerPool,
} from '@ct3d/pipeline';
import { catchError, connectable, defer, EMPTY, finalize, type Observable, Subject, switchMap } from 'rxjs';
import { type ClassWeightOption, classSetup, requireEveryClass } from './class-setup.js';
import type { RunEndEvent, TrainEvent } from './events.js';
import { fit } from './fit.js';
import { refuseExistingRun } from './run-folder/claim-run.js';
import { RunRecorder } from './run-folder/recorder.js';
import { prepareRunFolder } from './run-folder/resume-run.js';
import { type RunInfo, writeRunInfo } from './run-folder/run-info.js';
import { trainingSetRecord } from './run-folder/training-set.js';
import { exponentialDecay } from './schedule.js';
import { cacheBatchSources, DEFAULT_BN_STATS_BATCHES } from './sources.js';
import { kFoldSplits, splitEntries } from './split.js';

export type BnStats = 'keras' | 'precise';

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
  /** Random rotation of training scans (default true). */
  augment?: boolean;
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
   * (1-based) of kFoldSplits(K) instead of the 70/30 split; `valFraction` is then unused. See trainFolds.
   */
  folds?: number;
  fold?: number;
  /** Continue the run in runDir from its last resume checkpoint (options: resumeOptions(runDir)). */
  resume?: boolean;
  /** Replace the run runDir already holds (its run files); without it (or resume) such a folder is refused. */
  overwrite?: boolean;
}

function classNamesOf(manifest: CacheManifest): string[] {
  const names: string[] = [];
  for (const e of manifest.entries) names[e.label] = e.className;
  return Array.from(names, (n, i) => n ?? `class ${i}`);
}

/**
 * Everything that can refuse a run, before anything is written: an existing run in runDir, the manifest
 * (its schema), a class without scans in either split, and every cache file against what the manifest
 * records (size, hash, shape, finite voxels, inside the cache).
 */
async function checkedInputs(opts: TrainFromCacheOptions) {
  await refuseExistingRun(opts.runDir, opts);
  const manifest = await loadCache(opts.cacheDir);
  if (manifest.entries.length === 0) throw new Error(`${opts.cacheDir}: the cache holds no scans`);
  const split =
    opts.folds === undefined
      ? splitEntries(manifest.entries, { valFraction: opts.valFraction, splitSeed: opts.splitSeed })
      : kFoldSplits(manifest.entries, opts.folds, (opts.fold ?? 1) - 1, { splitSeed: opts.splitSeed });
  requireEveryClass(opts.cacheDir, split, classNamesOf(manifest));
  const classes = classSetup(opts.cacheDir, split, classNamesOf(manifest), opts);
  await verifyCacheEntries(opts.cacheDir, manifest.entries);
  return { manifest, split, classes };
}

/** A prepared training run: subscribe to its events, then start it. */
export interface TrainingRun {
  /**
   * The run's events, shared: subscribe every consumer (logger, dashboard) before start(). It completes when
   * the run ends, also when it fails: the failure itself is start()'s rejection.
   */
  events$: Observable<TrainEvent>;
  /**
   * Starts the run (once). Resolves with its runEnd event after every run-folder file is on disk, or with
   * undefined when the run ended without one; rejects with the run's error.
   */
  start(): Promise<RunEndEvent | undefined>;
  /** Stops a started run after its current step (as Ctrl-C or a crash would); start() then resolves. */
  stop(): void;
}

/**
 * A whole training run from an ingest cache: split, backend, seed model, worker pool, prefetching batch
 * sources, fit, and the run folder (run.json, the checkpoints, and a RunRecorder writing events.jsonl,
 * history.json, curves.png and metrics.json for every run). Nothing runs until start(): the stream is
 * connected only after all its consumers have subscribed, so each of them sees runStart.
 */
export function trainFromCache(opts: TrainFromCacheOptions): TrainingRun {
  let pool: WorkerPool | undefined;
  const setup = async () => {
    const { manifest, split, classes } = await checkedInputs(opts);
    const backend = await initBackend(opts.backend ?? 'auto');
    const [width, height, depth] = manifest.size;
    const seed = opts.seed ?? 0;
    const filters = opts.filters ?? [64, 64, 128, 256];
    const model = buildSeedModel({
      width,
      height,
      depth,
      filters,
      seed,
      outputUnits: classes.outputUnits,
      batchNormMomentum: opts.batchNormMomentum,
    });
    pool = createWorkerPool({ workers: opts.workers });
    const sources = cacheBatchSources({
      cacheDir: opts.cacheDir,
      train: split.train,
      val: split.val,
      pool,
      batchSize: opts.batchSize ?? 2,
      seed,
      augment: opts.augment ?? true,
      ...(classes.sampling === 'balanced' && { sampling: 'balanced' as const }),
      bnStatsBatches: opts.bnStatsBatches,
    });
    const info: RunInfo = {
      cacheDir: resolve(opts.cacheDir),
      size: manifest.size,
      classNames: classNamesOf(manifest),
      classes,
      backend: backend.name,
      backendDetail: backend.detail,
      backendRejected: backend.rejected,
      settings: {
        cacheDir: opts.cacheDir,
        runDir: opts.runDir,
        epochs: opts.epochs ?? 100,
        batchSize: opts.batchSize ?? 2,
        backend: opts.backend ?? 'auto',
        seed,
        valFraction: opts.valFraction ?? 0.3,
        splitSeed: opts.splitSeed ?? null,
        folds: opts.folds ?? null,
        fold: opts.folds === undefined ? null : (opts.fold ?? 1),
        workers: pool.threads,
        filters,
        patience: opts.patience ?? 15,
        augment: opts.augment ?? true,
        learningRate: opts.learningRate ?? 1e-4,
        batchNormMomentum: opts.batchNormMomentum ?? 0.99,
        bnStats: opts.bnStats ?? 'precise',
        bnStatsBatches: opts.bnStatsBatches ?? DEFAULT_BN_STATS_BATCHES,
      },
      split: { train: split.train.map((e) => e.id), val: split.val.map((e) => e.id) },
      trainingSet: await trainingSetRecord(opts.cacheDir, split.train),
      node: process.version,
      startedAt: new Date().toISOString(),
    };
    const folder = await prepareRunFolder(opts, manifest, info);
    await writeRunInfo(opts.runDir, folder.info);
    return { model, sources, info, classes, resume: folder.resume };
  };
  const run$ = defer(setup).pipe(
    switchMap(({ model, sources, info, classes, resume }) =>
      fit({
        model,
        train: sources.train,
        validation: sources.validation,
        stepsPerEpoch: sources.stepsPerEpoch,
        epochs: info.settings.epochs,
        earlyStopping: { monitor: 'val_acc', patience: info.settings.patience },
        learningRate: exponentialDecay({
          initialLearningRate: info.settings.learningRate,
          decaySteps: 100_000,
          decayRate: 0.96,
          staircase: true,
        }),
        runDir: opts.runDir,
        resume,
        ...(classes.weights && { classWeights: classes.weights }),
        classNames: classes.names,
        ...(info.settings.bnStats === 'precise' && {
          preciseBatchNorm: { source: sources.bnStats, maxBatches: info.settings.bnStatsBatches },
        }),
        settings: {
          ...info.settings,
          backend: info.backend,
          backendDetail: info.backendDetail,
          backendRejected: info.backendRejected,
          size: info.size,
          classes: classes.count,
          classWeight: classes.classWeight,
          sampling: classes.sampling,
        },
      }),
    ),
    finalize(() => {
      void pool?.close();
    }),
  );
  const source = connectable(run$, { connector: () => new Subject<TrainEvent>(), resetOnDisconnect: false });
  const recorder = new RunRecorder(opts.runDir);
  recorder.attach(source);
  // A failure reaches start()'s caller once; consumers of events$ just see the stream end.
  const events$ = source.pipe(catchError(() => EMPTY));
  let started: Promise<RunEndEvent | undefined> | undefined;
  let stop = (): void => undefined;
  const start = (): Promise<RunEndEvent | undefined> => {
    started ??= new Promise<RunEndEvent | undefined>((resolve, reject) => {
      let end: RunEndEvent | undefined;
      const watch = source.subscribe({
        next: (e) => {
          if (e.type === 'runEnd') end = e;
        },
        error: reject,
        complete: () => resolve(end),
      });
      const connection = source.connect();
      stop = () => {
        connection.unsubscribe(); // fit stops after its current step and closes the batch source
        watch.unsubscribe();
        resolve(undefined);
      };
    }).then(
      async (end) => {
        await recorder.done();
        return end;
      },
      async (err: unknown) => {
        await recorder.done().catch(() => undefined); // the run's error is the one to report
        throw err;
      },
    );
    return started;
  };
  return { events$, start, stop: () => stop() };
}
