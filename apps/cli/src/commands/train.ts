import { basename, dirname, join, resolve } from 'node:path';
import { loadAugment } from '@ct3d/augment';
import { printable } from '@ct3d/core';
import { startDashboard } from '@ct3d/dashboard';
import { CacheProblemsError, formatProgress } from '@ct3d/pipeline';
import {
  type BnStats,
  FOLD_FILES,
  foldDirName,
  formatEpochLine,
  formatFoldSummary,
  type GivenFlag,
  resumeOptions,
  summarizeFolds,
  type TrainEvent,
  type TrainFromCacheOptions,
  trainFromCache,
} from '@ct3d/train';
import type { Observable } from 'rxjs';
import { parseIntOption, parseNumberOption, requireString, UsageError } from '../args.js';
import type { ArgsOf } from '../command.js';
import { createProgress } from '../progress.js';
import { readRecipeSource } from '../recipe-option.js';
import { parseBackend } from './backend-option.js';
import { describeClasses, parseClassOptions } from './class-options.js';
import { untilInterrupted } from './dashboard.js';
import type { trainOptions } from './options.js';

type TrainArgs = ArgsOf<typeof trainOptions>;

export async function run({ values, given }: TrainArgs): Promise<number> {
  const valFraction = parseNumberOption(values['val-fraction'], '--val-fraction');
  if (valFraction <= 0 || valFraction >= 1) throw new UsageError('--val-fraction must be between 0 and 1');
  const opts: TrainFromCacheOptions = {
    cacheDir: values.resume ? (values.cache ?? '') : requireString(values.cache, '--cache <dir>'),
    runDir: values.resume ?? requireString(values.run, '--run <dir>'),
    overwrite: values.overwrite,
    epochs: parseIntOption(values.epochs, '--epochs', 1),
    batchSize: parseIntOption(values.batch, '--batch', 1),
    backend: parseBackend(values.backend),
    seed: parseIntOption(values.seed, '--seed'),
    workers: values.workers ? parseIntOption(values.workers, '--workers', 1) : undefined,
    valFraction,
    splitSeed: values['split-seed'] ? parseIntOption(values['split-seed'], '--split-seed') : undefined,
    patience: parseIntOption(values.patience, '--patience', 1),
    filters: values.filters ? parseFilters(values.filters) : undefined,
    augment: !values['no-augment'],
    // Not given: trainFromCache's own defaults (the seed preset, shuffled batches).
    ...(given.has('transforms') && { transforms: await readRecipeSource(values.transforms) }),
    ...parseClassOptions(values['class-weight'], given.has('sampling') ? values.sampling : undefined),
    learningRate: parseNumberOption(values.lr, '--lr'),
    batchNormMomentum: parseNumberOption(values['bn-momentum'], '--bn-momentum'),
    bnStats: parseBnStats(values['bn-stats'], values['precise-bn']),
    bnStatsBatches: parseIntOption(values['bn-stats-batches'], '--bn-stats-batches', 1),
  };
  const live = values.dashboard ? { port: parseIntOption(values.port, '--port') } : undefined;
  if (values.folds !== undefined || values.fold !== undefined) {
    if (values.resume)
      throw new UsageError('--folds cannot be used with --resume (resume one fold: --resume <run>/fold-i)');
    if (live)
      throw new UsageError(
        '--folds cannot be used with --dashboard (run `ct3d dashboard --runs` on the parent folder)',
      );
    return runFolds(opts, values.folds, values.fold);
  }
  const end = await runTraining(
    values.resume ? await resumeFromFlags(values.resume, { values, given }, opts) : opts,
    live,
    { verbose: values.verbose },
  );
  return end ? 0 : 1;
}

/** `--bn-stats keras|precise`; `--precise-bn` is the older spelling of `--bn-stats precise`. */
function parseBnStats(text: string, preciseFlag: boolean): BnStats {
  if (text !== 'keras' && text !== 'precise') {
    throw new UsageError(`--bn-stats must be keras or precise, got "${text}"`);
  }
  if (preciseFlag && text === 'keras') throw new UsageError('--precise-bn contradicts --bn-stats keras');
  return text;
}

/**
 * `--folds K [--fold i]`: K-fold cross-validation, each fold (or only fold i, 1-based) a run folder
 * <run>/fold-i/, then <run>/folds.json with the mean and std of every validation metric over the folds done.
 */
async function runFolds(
  opts: TrainFromCacheOptions,
  foldsText: string | undefined,
  foldText: string | undefined,
): Promise<number> {
  if (foldsText === undefined) throw new UsageError('--fold needs --folds K');
  const folds = parseIntOption(foldsText, '--folds', 2);
  const only = foldText === undefined ? undefined : parseIntOption(foldText, '--fold', 1);
  if (only !== undefined && only > folds)
    throw new UsageError(`--fold must be between 1 and ${folds}, got ${only}`);
  let ok = true;
  for (const fold of only === undefined ? Array.from({ length: folds }, (_, i) => i + 1) : [only]) {
    console.log(`fold ${fold} of ${folds}`);
    const runDir = join(opts.runDir, foldDirName(fold));
    const end = await runTraining({ ...opts, runDir, folds, fold });
    ok &&= end !== undefined;
  }
  const summary = await summarizeFolds(opts.runDir, folds);
  console.log(formatFoldSummary(summary));
  console.log(`fold summary: ${printable(join(opts.runDir, FOLD_FILES.summary))}`);
  return ok ? 0 : 1;
}

function parseFilters(text: string): number[] {
  const filters = text.split(',').map(Number);
  if (filters.length === 0 || filters.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new UsageError(`--filters must be a comma list of positive integers, got "${text}"`);
  }
  return filters;
}

type RunEnd = Extract<TrainEvent, { type: 'runEnd' }>;

export interface LogOptions {
  /** Also print why faster backends were not used. */
  verbose?: boolean;
}

/** Prints a run's stream as the seed's verbose=2 log plus a progress bar inside each epoch. */
export function logTraining(events$: Observable<TrainEvent>, opts: LogOptions = {}): void {
  const progress = createProgress();
  let epochStart = performance.now();
  let steps = 0;
  events$.subscribe({
    next: (e) => {
      if (e.type === 'runStart') {
        steps = e.stepsPerEpoch ?? 0;
        const why = e.settings.backendDetail;
        console.log(`backend: ${e.backend}${typeof why === 'string' ? ` (${why})` : ''}`);
        const rejected = e.settings.backendRejected;
        if (opts.verbose && Array.isArray(rejected) && rejected.length > 0) {
          console.log(`not used: ${rejected.join('; ')}`);
        }
        console.log(`${e.epochs} epochs of ${steps} steps; run folder ${printable(e.runDir ?? '-')}`);
        if (e.resumed)
          console.log(`resuming after epoch ${e.resumed.epoch} (weights, optimizer, history restored)`);
        const classLine = describeClasses(e.settings);
        if (classLine) console.log(printable(classLine));
      } else if (e.type === 'batchEnd') {
        if (e.step === 1) epochStart = performance.now() - e.ms;
        const bar = formatProgress({
          label: `epoch ${e.epoch}`,
          done: e.step,
          total: steps,
          startedMs: epochStart,
          nowMs: performance.now(),
          unit: 'steps',
        });
        progress.update(
          `${bar} loss ${e.loss.toFixed(4)} wait ${e.waitMs.toFixed(0)}ms compute ${e.computeMs.toFixed(0)}ms`,
        );
      } else if (e.type === 'epochEnd') {
        progress.done('');
        console.log(formatEpochLine(e));
      } else if (e.type === 'checkpoint') {
        console.log(`saved best checkpoint (${e.monitor} ${e.value.toFixed(4)}) to ${printable(e.path)}`);
      } else if (e.type === 'earlyStop') {
        console.log(
          `early stopping at epoch ${e.epoch}: best ${e.monitor} ${e.best.toFixed(4)} at epoch ${e.bestEpoch}`,
        );
      }
    },
    complete: () => progress.done(''),
  });
}

/**
 * Runs training with the CLI log and (with `live`) the dashboard subscribed to the run's events before it
 * starts (trainFromCache writes the run folder itself).
 */
export async function runTraining(
  opts: TrainFromCacheOptions,
  live?: { port: number },
  log: LogOptions = {},
): Promise<RunEnd | undefined> {
  const training = trainFromCache(opts);
  const events$ = training.events$;
  logTraining(events$, log);
  const board = live
    ? await startDashboard({
        runsDir: dirname(resolve(opts.runDir)),
        liveRun: basename(resolve(opts.runDir)),
        cacheDir: opts.cacheDir,
        ...(opts.transforms && { augment: loadAugment(opts.transforms) }),
        events$,
        port: live.port,
      })
    : undefined;
  if (board) console.log(`dashboard: ${board.url}`);
  let end: RunEnd | undefined;
  try {
    end = await training.start();
  } catch (err) {
    // Every bad cache entry on its own line; the error's one-line message (the first of them) follows.
    if (err instanceof CacheProblemsError && err.problems.length > 1)
      for (const line of err.problems) console.error(`  ${printable(line)}`);
    await board?.close();
    throw err;
  }
  if (end) {
    const best = end.best;
    console.log(
      `best epoch ${end.bestEpoch}` +
        (best?.val_acc !== undefined
          ? `: val_acc ${best.val_acc.toFixed(4)} val_auc ${best.val_auc?.toFixed(4)}` +
            (best.val_macro_f1 !== undefined ? ` val_macro_f1 ${best.val_macro_f1.toFixed(4)}` : '')
          : '') +
        `\nrun folder: ${opts.runDir} (history.json, metrics.json, curves.png, montage.png, best/, model/)`,
    );
  }
  if (board) {
    // The finished run stays viewable (a replay from memory) until Ctrl-C or SIGTERM, TTY or not.
    const interrupted = untilInterrupted();
    console.log(`training finished; dashboard still at ${board.url} (Ctrl-C to stop)`);
    await interrupted;
    await board.close();
  }
  return end;
}

/** Flags --resume accepts only with the run's recorded value, and the option each sets. */
const RESUME_CHECKED: Record<string, keyof TrainFromCacheOptions> = {
  epochs: 'epochs',
  batch: 'batchSize',
  backend: 'backend',
  seed: 'seed',
  'val-fraction': 'valFraction',
  'split-seed': 'splitSeed',
  patience: 'patience',
  filters: 'filters',
  'no-augment': 'augment',
  'class-weight': 'classWeight',
  sampling: 'sampling',
  lr: 'learningRate',
  'bn-momentum': 'batchNormMomentum',
  'precise-bn': 'bnStats',
  'bn-stats': 'bnStats',
  'bn-stats-batches': 'bnStatsBatches',
};
/** Flags that do not change results: free with --resume. */
const RESUME_FREE = new Set(['resume', 'run', 'cache', 'workers', 'dashboard', 'port']);

/** `--resume <run>`: the run's recorded options; other given flags must equal them. */
async function resumeFromFlags(
  runDir: string,
  { values, given }: Pick<TrainArgs, 'values' | 'given'>,
  parsed: TrainFromCacheOptions,
): Promise<TrainFromCacheOptions> {
  if (values.run !== undefined && resolve(values.run) !== resolve(runDir)) {
    throw new UsageError('--run and --resume name different run folders');
  }
  const checked: GivenFlag[] = [];
  for (const flag of given) {
    if (RESUME_FREE.has(flag)) continue;
    const key = RESUME_CHECKED[flag];
    if (!key) throw new UsageError(`--${flag} cannot be used with --resume`);
    checked.push({ flag: `--${flag}`, key, value: parsed[key] });
  }
  return resumeOptions(runDir, checked, { cacheDir: values.cache, workers: parsed.workers });
}
