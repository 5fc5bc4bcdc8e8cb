// fit's training loop, browser-safe: what it saves and resumes goes through a FitPersistence (fit.ts gives
// the run folder's, a browser tab its own), so the CLI and a tab train with this same code.
import { recomputeBatchNormStatistics, tf } from '@ct3d/model';
import { filter, lastValueFrom, Observable } from 'rxjs';
import {
  BestCheckpoint,
  type BestCheckpointOptions,
  EarlyStopping,
  type EarlyStoppingOptions,
} from './callbacks.js';
import {
  type BatchSource,
  type Control,
  type Emit,
  type RunState,
  trainEpoch,
  yieldToEventLoop,
} from './epoch.js';
import { evaluate } from './evaluate.js';
import {
  appendHistory,
  type EpochEndEvent,
  epochLogs,
  type History,
  type RunEndEvent,
  type TrainEvent,
} from './events.js';
import { lossName, outputUnits } from './multiclass.js';
import { checkValidationLoss, checkWeights } from './non-finite.js';
import type { FitResumeOptions } from './resume.js';
import type { ResumePoint, TrainingParts } from './resume-point.js';
import { type RestoredRun, resumedInfo } from './resume-state.js';
import type { RunFolderStore } from './run-folder/store.js';
import { constantLr, type LrSchedule, seedLrSchedule } from './schedule.js';
import { createAdam } from './step.js';
import { validationFields } from './validation-fields.js';

/** Options of fit. */
export interface FitOptions {
  /** A tfjs LayersModel with one sigmoid output, or a k-unit softmax (multi-class); trained in place. */
  model: tf.LayersModel;
  train: BatchSource;
  validation?: BatchSource;
  /** Default 100 (the seed). */
  epochs?: number;
  /** Reported in runStart when known (e.g. ceil(trainCount / batchSize)). */
  stepsPerEpoch?: number;
  /** A fixed rate or a schedule over optimizer steps; default the seed's ExponentialDecay(1e-4, 1e5, 0.96, staircase). */
  learningRate?: number | LrSchedule;
  /** Default {monitor: 'val_acc', patience: 15} with validation, off without; false turns it off. */
  earlyStopping?: EarlyStoppingOptions | false;
  /** Best-model tracking (save_best_only); default monitor 'val_loss' ('loss' without validation). */
  checkpoint?: BestCheckpointOptions | false;
  /**
   * Run folder: the best checkpoint, the final model, the montage and (resume.save) resume checkpoints are
   * saved there by its RunFolderStore (layout: run-folder/layout.ts). The event files are RunRecorder's.
   */
  runDir?: string;
  /** Write montage.png of the first training sample (default true when runDir is set). */
  montage?: boolean;
  /**
   * The voxel-to-world affine of a training scan by its id (trainFromCache: its cache file's), so that the
   * montage shows the sample as NiiVue shows the scan; without it the voxel axes are taken as R, A, S.
   */
  scanAffine?: (id: string) => Promise<number[][]>;
  /** Probability above which a prediction is class 1 (default 0.5, Keras binary accuracy). */
  threshold?: number;
  /** Extra settings echoed in runStart (data split, seeds, sizes, ...). */
  settings?: Record<string, unknown>;
  /** Loss weight per class (index = label), e.g. balancedClassWeights; default every sample weighs 1. */
  classWeights?: number[];
  /** Class names (index = label) for the per-class metrics of a softmax model. */
  classNames?: string[];
  /**
   * After each epoch, before validation, replace the BatchNorm moving statistics with the population
   * statistics over these batches (precise BatchNorm; e.g. the training scans unaugmented), at most
   * `maxBatches` of them. Off by default in fit (the seed keeps Keras' moving averages); trainFromCache
   * (`ct3d train`) turns it on over a bounded sample unless bnStats is 'keras'.
   */
  preciseBatchNorm?: { source: BatchSource; maxBatches?: number };
  /** Resume checkpoints (resume.ts): continue from `from`, write one into `dir` after every epoch. */
  resume?: FitResumeOptions;
}

function resolveSettings(opts: FitOptions, schedule: LrSchedule, epochs: number): Record<string, unknown> {
  return {
    epochs,
    loss: lossName(outputUnits(opts.model)),
    optimizer: { name: 'Adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
    learningRate: schedule.config ?? 'custom schedule',
    earlyStopping: opts.earlyStopping ?? null,
    checkpoint: opts.checkpoint ?? null,
    threshold: opts.threshold ?? 0.5,
    ...(opts.classWeights && { classWeights: opts.classWeights }),
    preciseBatchNorm: opts.preciseBatchNorm
      ? { maxBatches: opts.preciseBatchNorm.maxBatches ?? 'all' }
      : false,
    ...opts.settings,
  };
}

/**
 * Where fit's loop keeps what it saves and finds what it resumes: the run folder in Node (fit), memory in a
 * browser tab. The loop itself touches no file.
 */
export interface FitPersistence {
  /** Saves the best and final models and the first sample; null: nothing is saved. */
  store: Pick<RunFolderStore, 'saveBest' | 'saveFinal' | 'saveSample'> | null;
  /** The run to continue (restored into `parts`), or notResumed(). */
  restore(parts: TrainingParts): Promise<RestoredRun>;
  /** Called after every finished epoch (a resume checkpoint where asked). */
  saveResumePoint(point: ResumePoint): Promise<unknown>;
  /**
   * Called once the loop has let go of the model: after runEnd, an error, or an unsubscribe (whose current
   * step, and epoch end with its saves, finish first).
   */
  ended?(): void;
}

async function runTraining(
  opts: FitOptions,
  io: FitPersistence,
  emit: Emit,
  control: Control,
): Promise<void> {
  const epochs = opts.epochs ?? 100;
  if (!Number.isInteger(epochs) || epochs < 1)
    throw new RangeError(`fit: epochs must be a positive integer, got ${epochs}`);
  const lrOpt = opts.learningRate ?? seedLrSchedule;
  const schedule = typeof lrOpt === 'number' ? constantLr(lrOpt) : lrOpt;
  const hasVal = opts.validation !== undefined;
  const esOpts = opts.earlyStopping ?? (hasVal ? { monitor: 'val_acc', patience: 15 } : false);
  const ckOpts = opts.checkpoint ?? { monitor: hasVal ? 'val_loss' : 'loss' };
  const stopper = esOpts ? new EarlyStopping(esOpts) : null;
  const best = ckOpts ? new BestCheckpoint(ckOpts) : null;
  for (const m of [stopper?.monitor, best?.monitor]) {
    if (m?.startsWith('val_') && !hasVal) throw new Error(`fit: monitoring "${m}" needs a validation source`);
  }
  const runDir = opts.runDir ?? null;
  const store = io.store;
  const st: RunState = {
    opts,
    optimizer: createAdam(schedule(0)),
    schedule,
    threshold: opts.threshold ?? 0.5,
    epochs,
    iteration: 0,
    saveSample:
      store && opts.montage !== false
        ? async (scan, id) => {
            const affine = id !== undefined ? await opts.scanAffine?.(id) : undefined;
            await store.saveSample(affine ? { ...scan, affine } : scan);
          }
        : null,
  };
  const tRun = performance.now();
  const parts = { model: opts.model, optimizer: st.optimizer, stopper, best, epochs, runDir };
  const past = await io.restore(parts).catch((err: unknown) => {
    st.optimizer.dispose();
    throw err;
  });
  // A checkpoint of NaN weights would train into an all-NaN model: refuse it before the first step.
  if (opts.resume?.from) {
    await checkWeights(opts.model, `in the resumed checkpoint ${opts.resume.from.dir}`).catch(
      (err: unknown) => {
        st.optimizer.dispose();
        throw err;
      },
    );
  }
  emit({
    type: 'runStart',
    epochs,
    stepsPerEpoch: opts.stepsPerEpoch ?? null,
    backend: tf.getBackend(),
    settings: resolveSettings(opts, schedule, epochs),
    runDir,
    time: new Date().toISOString(),
    ...resumedInfo(past),
  });
  const history: History = past.history;
  let bestEvent: EpochEndEvent | null = past.bestEvent;
  let bestPath: string | null = past.bestPath;
  let stoppedEarly = past.stoppedEarly;
  let epochsRun = past.epoch;
  st.iteration = past.iteration;
  try {
    for (let epoch = past.epoch + 1; epoch <= epochs && !stoppedEarly; epoch++) {
      const tEpoch = performance.now();
      const tr = await trainEpoch(st, epoch, emit, control);
      if (control.stopped) return;
      // Before anything of this epoch is saved: the last step may have left NaN weights behind a finite loss.
      await checkWeights(opts.model, `after epoch ${epoch} step ${tr.steps}`);
      const tVal = performance.now();
      if (opts.preciseBatchNorm) {
        const { source, maxBatches } = opts.preciseBatchNorm;
        await recomputeBatchNormStatistics(opts.model, source(epoch), { maxBatches });
      }
      const bnStatsMs = performance.now() - tVal;
      const val = opts.validation
        ? await evaluate(opts.model, opts.validation(epoch), { threshold: st.threshold })
        : null;
      if (control.stopped) return;
      if (val) checkValidationLoss(val.loss, epoch, val.probabilities, val.ids);
      const e: EpochEndEvent = {
        type: 'epochEnd',
        epoch,
        epochs,
        steps: tr.steps,
        acc: tr.acc,
        loss: tr.loss,
        ...(val && validationFields(val, opts.classNames)),
        ms: performance.now() - tEpoch,
        msPerStep: tr.msPerStep,
        valMs: performance.now() - tVal,
        ...(opts.preciseBatchNorm && { bnStatsMs }),
        lr: tr.lr,
      };
      appendHistory(history, e);
      epochsRun = epoch;
      emit(e);
      const logs = epochLogs(e);
      if (best?.update(epoch, logs)) {
        bestEvent = e;
        if (store) {
          bestPath = await store.saveBest(opts.model);
          const value = best.best;
          emit({
            type: 'checkpoint',
            epoch,
            path: bestPath,
            monitor: best.monitor,
            value,
            ...(best.monitor === 'val_loss' && { val_loss: value }),
          });
        }
      }
      if (stopper?.update(epoch, logs)) {
        stoppedEarly = true;
        emit({
          type: 'earlyStop',
          epoch,
          bestEpoch: stopper.bestEpoch,
          monitor: stopper.monitor,
          best: stopper.best,
        });
      }
      const point = { st, epoch, history, stopper, best, bestEvent, bestPath, last: e, stoppedEarly };
      await io.saveResumePoint(point);
      if (stoppedEarly) break;
      if (control.stopped) return;
    }
    const modelPath = store ? await store.saveFinal(opts.model) : null;
    const end: RunEndEvent = {
      type: 'runEnd',
      bestEpoch: best?.bestEpoch ?? epochsRun,
      history,
      stoppedEarly,
      epochsRun,
      best: bestEvent,
      modelPath,
      bestPath,
      ms: performance.now() - tRun,
    };
    emit(end);
  } finally {
    st.optimizer.dispose();
  }
}

/** fit (fit.ts) with its persistence given: the same loop, the same events, whatever keeps the files. */
export function fitWith(opts: FitOptions, io: FitPersistence): Observable<TrainEvent> {
  return new Observable<TrainEvent>((subscriber) => {
    const control: Control = { stopped: false };
    const run = async (): Promise<void> => {
      await yieldToEventLoop();
      if (!control.stopped) await runTraining(opts, io, (e) => subscriber.next(e), control);
    };
    run()
      .finally(() => io.ended?.())
      .then(
        () => subscriber.complete(),
        (err: unknown) => {
          if (!control.stopped) subscriber.error(err);
        },
      );
    return () => {
      control.stopped = true;
    };
  });
}

/** Runs fit to completion and resolves with its runEnd event. */
export function fitToEnd(events$: Observable<TrainEvent>): Promise<RunEndEvent> {
  return lastValueFrom(events$.pipe(filter((e): e is RunEndEvent => e.type === 'runEnd')));
}
