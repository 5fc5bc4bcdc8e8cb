import { join, resolve } from 'node:path';
import { loadRecipe, type Recipe, sameSteps, seedRecipe } from '@ct3d/augment';
import { readNifti } from '@ct3d/io/node';
import { initBackend } from '@ct3d/model';
import {
  type CacheManifest,
  createWorkerPool,
  loadCache,
  verifyCacheEntries,
  type WorkerPool,
} from '@ct3d/pipeline';
import { catchError, connectable, defer, EMPTY, finalize, type Observable, Subject, switchMap } from 'rxjs';
import { classSetup, requireEveryClass } from './class-setup.js';
import type { RunEndEvent, TrainEvent } from './events.js';
import { fit } from './fit.js';
import { refuseExistingRun } from './run-folder/claim-run.js';
import { RunRecorder } from './run-folder/recorder.js';
import { prepareRunFolder } from './run-folder/resume-run.js';
import { type RunInfo, writeRunInfo } from './run-folder/run-info.js';
import { trainingSetRecord } from './run-folder/training-set.js';
import { runSplit, seedRunSettings, seedTraining } from './seed-run.js';
import type { BnStats, TrainFromCacheOptions } from './train-options.js';

export type { BnStats, TrainFromCacheOptions };

/** Where a cached scan lies in the world: its cache file's affine (the montage shows it by this). */
async function cacheFileAffine(cacheDir: string, id: string): Promise<number[][]> {
  const entry = (await loadCache(cacheDir)).entries.find((e) => e.id === id);
  if (!entry) throw new Error(`${cacheDir}: no scan ${id} in the cache`);
  return (await readNifti(join(cacheDir, entry.file))).affine;
}

/**
 * The run's recipe: the cache's preprocessing (what made its files) and the requested augmentation. A recipe
 * whose preprocessing differs from the cache's is refused: the model would train on other inputs than it sees.
 */
function runRecipe(opts: TrainFromCacheOptions, manifest: CacheManifest): Recipe {
  const cached = manifest.recipe?.preprocess ?? seedRecipe(manifest.size).preprocess;
  const recipe = opts.transforms
    ? loadRecipe(opts.transforms, { size: manifest.size })
    : seedRecipe(manifest.size);
  if (!sameSteps(recipe.preprocess, cached)) {
    throw new Error(
      `${opts.transforms?.name}: its preprocessing differs from the cache's (${opts.cacheDir}); ingest again with --transforms ${opts.transforms?.name}`,
    );
  }
  return { preprocess: cached, augment: recipe.augment };
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
  const split = runSplit(manifest.entries, opts);
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
    const recipe = runRecipe(opts, manifest);
    const backend = await initBackend(opts.backend ?? 'auto');
    pool = createWorkerPool({ workers: opts.workers });
    const workerPool = pool;
    const settings = {
      cacheDir: opts.cacheDir,
      runDir: opts.runDir,
      ...seedRunSettings(opts),
      workers: pool.threads,
    };
    const run = seedTraining({
      where: opts.cacheDir,
      size: manifest.size,
      split,
      classes,
      settings,
      load: (entry, augment, seed) =>
        workerPool.loadItem({
          file: resolve(opts.cacheDir, entry.file),
          augment,
          transforms: recipe.augment,
          seed,
        }),
      utilization: () => workerPool.utilization(),
      echo: {
        cacheDir: opts.cacheDir,
        runDir: opts.runDir,
        workers: pool.threads,
        backend: backend.name,
        backendDetail: backend.detail,
        backendRejected: backend.rejected,
      },
    });
    const info: RunInfo = {
      cacheDir: resolve(opts.cacheDir),
      size: manifest.size,
      classNames: classNamesOf(manifest),
      classes,
      backend: backend.name,
      backendDetail: backend.detail,
      backendRejected: backend.rejected,
      settings,
      split: { train: split.train.map((e) => e.id), val: split.val.map((e) => e.id) },
      recipe,
      trainingSet: await trainingSetRecord(opts.cacheDir, split.train),
      node: process.version,
      startedAt: new Date().toISOString(),
    };
    const folder = await prepareRunFolder(opts, manifest, info);
    await writeRunInfo(opts.runDir, folder.info);
    return { fitOptions: run.fitOptions, resume: folder.resume };
  };
  const run$ = defer(setup).pipe(
    switchMap(({ fitOptions, resume }) =>
      fit({
        ...fitOptions,
        runDir: opts.runDir,
        scanAffine: (id) => cacheFileAffine(opts.cacheDir, id),
        resume,
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
