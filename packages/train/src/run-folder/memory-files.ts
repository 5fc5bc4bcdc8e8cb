// A run trained in a browser tab as run-folder files (paths and contents), browser-safe: the training page's
// "Download run". The layout, run.json, history.json and metrics.json are what `ct3d train` writes, so that
// `ct3d predict --run` and `ct3d export-web --run` take the unpacked folder as they take a CLI run.
import type { Recipe } from '@ct3d/augment';
import { getConvThreads, MODEL_JSON, tf, WEIGHTS_BIN } from '@ct3d/model';
import type { RunEndEvent, TrainEvent } from '../events.js';
import { renderCurves } from '../png/curves.js';
import { RNG_NOTES } from '../rng-notes.js';
import type { ReproducibilityRecord } from '../run-record.js';
import type { MemoryRun } from '../train-from-store.js';
import { RUN_FILES } from './run-files.js';
import type { RunInfo } from './run-info.js';
import { json, type RunSummary } from './run-summary.js';

/** What run.json needs beyond the run itself. */
export interface MemoryRunFacts {
  /** The dropped folder's name (run.json's cacheDir: the tab has no cache folder). */
  where: string;
  classNames: string[];
  recipe: Recipe;
  backendInUse: { name: string; detail: string; rejected: string[] };
  /** Where it ran, e.g. the browser's user agent (run.json's `node` field for a CLI run). */
  platform: string;
  startedAt: string;
}

/**
 * run.json's `reproduce` for a run trained in a tab: what the tab knows (tfjs, its backend and conv thread
 * count, seeds, the browser); no package versions, git state or cache manifest hash (it has no cache).
 */
function tabRecord(run: MemoryRun, facts: MemoryRunFacts): ReproducibilityRecord {
  const backend = facts.backendInUse.name;
  const { seed, splitSeed } = run.settings;
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
    ?.hardwareConcurrency;
  return {
    recordVersion: 1,
    ct3d: { version: null, packages: {}, commit: null, dirty: null },
    tfjs: {
      core: tf.version_core,
      layers: tf.version_layers,
      backend,
      ...(backend === 'wasm' && { convThreads: getConvThreads() }),
    },
    seeds: { init: seed, shuffleAugment: seed, split: splitSeed },
    rng: RNG_NOTES,
    data: { manifestHash: '', entries: run.split.train.length + run.split.val.length, size: run.size },
    platform: {
      node: facts.platform,
      os: 'browser',
      release: '',
      arch: '',
      cpu: 'unknown',
      cores: cores ?? 0,
    },
    resumes: [],
  };
}

/** run.json of an in-memory run. */
export function memoryRunInfo(run: MemoryRun, facts: MemoryRunFacts): RunInfo {
  return {
    cacheDir: facts.where,
    size: run.size,
    classNames: facts.classNames,
    classes: run.classes,
    backend: facts.backendInUse.name,
    backendDetail: facts.backendInUse.detail,
    backendRejected: facts.backendInUse.rejected,
    settings: { cacheDir: facts.where, runDir: '', ...run.settings, workers: 1 },
    split: { train: run.split.train.map((e) => e.id), val: run.split.val.map((e) => e.id) },
    recipe: facts.recipe,
    reproduce: tabRecord(run, facts),
    node: facts.platform,
    startedAt: facts.startedAt,
  };
}

/**
 * The run folder's files for a finished run: run.json, history.json, metrics.json, events.jsonl, curves.png,
 * montage.png, model/ and best/ (each model.json + weights.bin). `summary` has recorded every event of `events`.
 */
export async function memoryRunFiles(
  run: MemoryRun,
  facts: MemoryRunFacts,
  summary: RunSummary,
  events: readonly TrainEvent[],
  end: RunEndEvent,
): Promise<{ path: string; data: string | Uint8Array }[]> {
  const files: { path: string; data: string | Uint8Array }[] = [
    { path: RUN_FILES.info, data: json(memoryRunInfo(run, facts)) },
    { path: RUN_FILES.history, data: json(summary.history) },
    { path: RUN_FILES.metrics, data: json(summary.metrics(end)) },
    { path: RUN_FILES.events, data: `${events.map((e) => JSON.stringify(e)).join('\n')}\n` },
    { path: RUN_FILES.curves, data: await renderCurves(summary.history).toPng() },
  ];
  if (run.saved.montage) files.push({ path: RUN_FILES.montage, data: run.saved.montage });
  for (const [folder, saved] of [
    [RUN_FILES.model, run.saved.model],
    [RUN_FILES.best, run.saved.best],
  ] as const) {
    if (!saved) continue;
    files.push(
      { path: `${folder}/${MODEL_JSON}`, data: saved.json },
      { path: `${folder}/${WEIGHTS_BIN}`, data: saved.weights },
    );
  }
  return files;
}
