// `ct3d train --resume <run>` for trainFromCache: the run's recorded settings, the checks that the data and
// split are unchanged, and putting the run folder back to its last checkpoint (best/, events.jsonl).
import { access, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CacheManifest } from '@ct3d/pipeline';
import { type FitResumeOptions, loadResumeCheckpoint, type ResumeCheckpoint } from '../resume.js';
import { type ReproducibilityRecord, reproducibilityRecord } from '../run-record.js';
import type { TrainFromCacheOptions } from '../train-options.js';
import { clearRun } from './claim-run.js';
import { trimEventLog } from './event-log.js';
import { RUN_FILES, runPaths } from './layout.js';
import { restoreModelFolder } from './resume-files.js';
import { type RunInfo, readRunInfo } from './run-info.js';

/** The trainFromCache options a run was started with, as recorded in its run.json. */
export function recordedOptions(info: RunInfo): TrainFromCacheOptions {
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(info.settings)) if (value !== null) options[key] = value;
  if (info.classes?.classWeight) options.classWeight = info.classes.classWeight;
  if (info.classes?.sampling) options.sampling = info.classes.sampling;
  if (info.recipe)
    options.transforms = { name: `${info.cacheDir} run recipe`, text: JSON.stringify(info.recipe) };
  const legacy = info.settings as { preciseBatchNorm?: boolean; bnStats?: string };
  if (legacy.bnStats === undefined && 'preciseBatchNorm' in legacy) {
    // Runs from before --bn-stats: precise over every training batch, or Keras' moving averages.
    delete options.preciseBatchNorm;
    options.bnStats = legacy.preciseBatchNorm ? 'precise' : 'keras';
    if (legacy.preciseBatchNorm) {
      options.bnStatsBatches = Math.max(1, Math.ceil(info.split.train.length / info.settings.batchSize));
    }
  }
  return { ...(options as Partial<TrainFromCacheOptions>), cacheDir: info.cacheDir, runDir: '' };
}

/** A command-line flag given with --resume: its name, the option it sets and the parsed value. */
export interface GivenFlag {
  flag: string;
  key: string;
  value: unknown;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Options to continue `runDir`: its recorded settings, with `cacheDir` and `workers` (which do not change
 * results) taken from the caller when given. A flag that differs from the recorded value is refused.
 */
export async function resumeOptions(
  runDir: string,
  given: GivenFlag[] = [],
  keep: { cacheDir?: string; workers?: number } = {},
): Promise<TrainFromCacheOptions> {
  const info = await readRunInfo(runDir);
  // A tab's run trained on a dropped folder, not a cache, and its checkpoints stay in that browser.
  if (info.reproduce?.platform.os === 'browser')
    throw new Error(
      `${runPaths(runDir).info}: trained in a browser tab, which keeps its checkpoints: resume it there ` +
        '(Resume on the training page)',
    );
  const recorded = recordedOptions(info) as unknown as Record<string, unknown>;
  for (const g of given) {
    if (!same(g.value, recorded[g.key])) {
      const was = JSON.stringify(recorded[g.key] ?? null);
      throw new Error(
        `${g.flag} ${JSON.stringify(g.value)} conflicts with the run's recorded ${g.key} ${was} ` +
          `(${runPaths(runDir).info}); --resume keeps the recorded settings`,
      );
    }
  }
  return {
    ...(recorded as Partial<TrainFromCacheOptions>),
    cacheDir: keep.cacheDir ?? info.cacheDir,
    runDir,
    workers: keep.workers,
    resume: true,
  };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

function checkSameData(
  prior: RunInfo,
  record: ReproducibilityRecord,
  cacheDir: string,
  runDir: string,
): void {
  const was = prior.reproduce?.data.manifestHash;
  if (!was)
    throw new Error(`${runPaths(runDir).info}: has no data manifest hash (recorded before --resume existed)`);
  if (was !== record.data.manifestHash) {
    throw new Error(
      `${cacheDir}: the cache changed since the run started (manifest hash ${record.data.manifestHash.slice(0, 12)}, ` +
        `recorded ${was.slice(0, 12)}); --resume needs the same data`,
    );
  }
}

function checkSameSplit(prior: RunInfo, info: RunInfo, runDir: string): void {
  if (!same(prior.split, info.split))
    throw new Error(`${runPaths(runDir).info}: the recorded train/val split differs from the one made now`);
}

/** Puts best/ and events.jsonl back to the checkpoint's epoch (a kill -9 may have left a later epoch's). */
async function rewindRunFolder(runDir: string, from: ResumeCheckpoint | null): Promise<void> {
  const paths = runPaths(runDir);
  const saved = from?.state.bestPath ? join(from.dir, RUN_FILES.best) : null;
  if (saved && (await exists(saved))) await restoreModelFolder(saved, paths.best);
  else await rm(paths.best, { recursive: true, force: true });
  await trimEventLog(paths.events, from?.state.epoch ?? 0);
}

/**
 * The run.json to write and fit's resume options. A new run gets the reproducibility record (and the files
 * of a run it replaces, --overwrite, are removed first); `opts.resume` continues the folder's run after
 * checking that the data and the split are unchanged.
 */
export async function prepareRunFolder(
  opts: Pick<TrainFromCacheOptions, 'runDir' | 'cacheDir' | 'resume'>,
  manifest: Pick<CacheManifest, 'size' | 'entries'>,
  info: RunInfo,
): Promise<{ info: RunInfo; resume: FitResumeOptions }> {
  const { runDir } = opts;
  const dir = runPaths(runDir).resume;
  const record = await reproducibilityRecord({
    manifest,
    seed: info.settings.seed,
    splitSeed: info.settings.splitSeed,
    backend: info.backend,
  });
  const meta = { manifestHash: record.data.manifestHash };
  if (!opts.resume) {
    await clearRun(runDir); // what --overwrite replaces (refuseExistingRun let nothing else through)
    return { info: { ...info, reproduce: record }, resume: { save: true, meta } };
  }
  const prior = await readRunInfo(runDir);
  checkSameData(prior, record, opts.cacheDir, runDir);
  checkSameSplit(prior, info, runDir);
  const from = await loadResumeCheckpoint(dir);
  if (from && from.state.meta.manifestHash !== record.data.manifestHash)
    throw new Error(`${from.dir}: checkpoint of other data (manifest hash differs from the cache's)`);
  await rewindRunFolder(runDir, from);
  const resumes = [
    ...(prior.reproduce?.resumes ?? []),
    {
      at: new Date().toISOString(),
      fromEpoch: from?.state.epoch ?? 0,
      cacheDir: info.cacheDir,
      backend: info.backend,
      node: process.version,
    },
  ];
  const reproduce = { ...(prior.reproduce ?? record), resumes };
  return { info: { ...prior, reproduce }, resume: { from, save: true, meta } };
}
