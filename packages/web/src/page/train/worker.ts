// The training page's worker: finds the dropped scans by class folder, preprocesses each with the recipe's
// preprocessing exactly as `ct3d ingest` does, on a pool of workers (preprocess-pool.ts), into the run's folder
// in the page's private files (run-folders.ts; memory where the browser refuses them), trains with @ct3d/train's
// trainFromStore (the split, batches, model and loop of `ct3d train`), keeping a resume checkpoint after every
// finished epoch so that Stop/Resume and a reload continue the run, streams the trainer's events to the page,
// and at the end zips the run folder. Nothing leaves the tab.
import { huScaling, resolveRecipe, type TransformEntry, unitsToHu } from '@ct3d/augment';
import { encodeNifti, zipStore } from '@ct3d/io';
import { type SkippedFile, seriesScanPath } from '@ct3d/io/dicom';
import {
  type BackendChoice,
  explain,
  initBackend,
  interactiveExplanation,
  modelFromBytes,
  type tf,
} from '@ct3d/model';
import { describeError } from '@ct3d/pipeline/browser';
import {
  memoryRunFiles,
  memoryRunInfo,
  RunSummary,
  type TrainEvent,
  trainFromStore,
  type VolumeStore,
} from '@ct3d/train/browser';
import type { Subscription } from 'rxjs';
import { WASM_FOLDER } from '../../manifest.js';
import { errorText } from '../error-text.js';
import type { DroppedFile } from '../protocol.js';
import { type ScanSource, scanSources } from '../scan-sources.js';
import { backendMessage } from './backend-message.js';
import { classFolders } from './class-folders.js';
import { csvLabels, type LabelledSource } from './csv-labels.js';
import { keepForDiagnosis, validate } from './finished-run.js';
import { type PlannedScan, prepareScans } from './preprocess-pool.js';
import type { FromTrainWorker, LabelsCsv, ToTrainWorker, TrainSettings } from './protocol.js';
import type { KeptCheckpoint, RunFolder } from './run-folders.js';
import type { RunPlan } from './run-plan.js';
import { TabRuns } from './tab-runs.js';

const scope = self as unknown as {
  postMessage(message: FromTrainWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToTrainWorker>) => void) | null;
};
const post = (message: FromTrainWorker, transfer: Transferable[] = []) =>
  scope.postMessage(message, transfer);
const base = new URL('./', self.location.href).href;

/** A source's path in the drop, as `ct3d ingest` records a scan's: the file, or a series' folder and name. */
function pathOf(source: ScanSource): string {
  if ('file' in source) return source.facts.name;
  return seriesScanPath(
    source.series.files.map((f) => f.name),
    source.facts.name,
  );
}

let running: Subscription | null = null;
let stopRequested = false;
let stopper: () => void = () => undefined;

/** This tab's run and the runs' folder in the page's private files. */
const tab = new TabRuns(post);

/** The finished run's best checkpoint, validation scans and volumes, for their heat maps (until the next run). */
let explainable: {
  model: tf.LayersModel;
  val: Set<string>;
  steps: TransformEntry[];
  volumes: VolumeStore;
} | null = null;

function resetRun(): void {
  stopRequested = false;
  explainable?.model.dispose();
  explainable = null;
}

/** A source as the labels CSV matches it: its path, its files' paths, a series' UIDs. */
function labelledSource(source: ScanSource): LabelledSource {
  if ('file' in source) return { path: pathOf(source), files: [source.facts.name] };
  const { series, files } = source.series;
  return {
    path: pathOf(source),
    files: files.map((f) => f.name),
    studyInstanceUID: series.studyInstanceUID,
    seriesInstanceUID: series.seriesInstanceUID,
  };
}

async function train(
  files: DroppedFile[],
  unreadable: SkippedFile[],
  settings: TrainSettings,
  labelsCsv?: LabelsCsv,
): Promise<void> {
  resetRun();
  const startedAt = new Date().toISOString();
  // The labels CSV itself, picked with the scans, is no scan.
  const isCsv = (f: DroppedFile) =>
    labelsCsv !== undefined &&
    f.file.size === labelsCsv.size &&
    (f.path === labelsCsv.name || f.path.endsWith(`/${labelsCsv.name}`));
  const found = await scanSources(files.filter((f) => !isCsv(f)));
  const folders = labelsCsv
    ? csvLabels(labelsCsv, found.scans.map(labelledSource))
    : { ...classFolders(found.scans.map(pathOf)), problems: [] };
  const skipped = [...unreadable, ...found.skipped];
  const planned: PlannedScan[] = [];
  for (const source of found.scans) {
    const at = folders.labelOf(pathOf(source));
    if ('reason' in at) skipped.push({ name: source.facts.name, reason: at.reason });
    else {
      planned.push({ source, id: at.id, label: at.label });
    }
  }
  post({
    type: 'plan',
    classNames: folders.classNames,
    scans: planned.map(({ id, label }) => ({ id, label })),
    skipped,
    problems: folders.problems,
  });
  const recipe = resolveRecipe(settings.preset, `preset ${settings.preset}`, { size: settings.size });
  // Before preprocessing, so that a backend this browser lacks is said at once, not after every scan.
  const backendInUse = await startBackend(settings.backend);
  const run = await tab.newRun();
  // Preprocessed on a pool of workers (preprocess-pool.ts), stored as they arrive; the scans in plan order.
  const preparing = prepareScans({
    planned,
    size: settings.size,
    steps: recipe.preprocess,
    store: run.volumes,
    post,
  });
  stopper = preparing.stop;
  if (stopRequested) preparing.stop();
  const scans = await preparing.scans;
  stopper = () => undefined;
  if (stopRequested) return post({ type: 'finished', zip: null, folder: '', stopped: true });
  const where = files[0]?.path.split('/')[0] ?? 'dropped files';
  const { classNames } = folders;
  const plan = { format: 'ct3d-train-page-run' as const, version: 1 as const, runId: run.runId };
  const runPlan = { ...plan, where, startedAt, settings, classNames, recipe, scans, volumes: {} };
  await trainRun(run, runPlan, null, backendInUse);
}

/** Continues run `runId` (this tab's, or a closed tab's) after its last finished epoch. */
async function resume(runId: string): Promise<void> {
  resetRun();
  const run = await tab.adopt(runId);
  const plan = await run.readPlan();
  if (!plan) throw new Error(`${runId}: its preprocessing did not finish: nothing to resume`);
  const from = await run.loadCheckpoint();
  post({ type: 'resuming', runId, epoch: from?.checkpoint.state.epoch ?? 0, settings: plan.settings });
  // The run's events so far, as the page saw them: its log and chart start where the run stopped.
  for (const event of from?.events ?? []) post({ type: 'event', event });
  await trainRun(run, plan, from, await startBackend(plan.settings.backend));
}

/** The backend the settings ask for, said on the page (its name, detail and conv threads). */
async function startBackend(name: TrainSettings['backend']): Promise<BackendChoice> {
  const backendInUse = await initBackend(name, { wasmPaths: new URL(WASM_FOLDER, base).href });
  post(backendMessage(backendInUse));
  return backendInUse;
}

/** Trains `plan`'s run from checkpoint `from` (null: from the start), keeping a checkpoint every epoch. */
async function trainRun(
  run: RunFolder,
  plan: RunPlan,
  from: KeptCheckpoint | null,
  backendInUse: BackendChoice,
): Promise<void> {
  const { settings } = plan;
  const stopped = async () => {
    post({ type: 'finished', zip: null, folder: '', stopped: true });
    await tab.offer(run);
  };
  if (stopRequested) return stopped();
  const events: TrainEvent[] = from?.events ?? [];
  const training = trainFromStore({
    where: plan.where,
    scans: plan.scans,
    store: run.volumes,
    classNames: plan.classNames,
    recipe: plan.recipe,
    epochs: settings.epochs,
    seed: settings.seed,
    filters: settings.filters,
    batchSize: settings.batchSize,
    backend: settings.backend,
    backendInUse,
    resume: {
      from: from?.checkpoint ?? null,
      save: async (checkpoint) => {
        await run.saveCheckpoint(checkpoint, events);
        post({ type: 'kept', epoch: checkpoint.state.epoch });
      },
    },
  });
  // Written once the run is accepted (trainFromStore refuses a split without every class).
  if (!from) await run.writePlan(plan);
  const summary = new RunSummary();
  let end: Extract<TrainEvent, { type: 'runEnd' }> | null = null;
  await new Promise<void>((resolve, reject) => {
    running = training.events$.subscribe({
      next: (e) => {
        if (e.type === 'runStart' && e.resumed) summary.continueFrom(e.resumed);
        summary.record(e);
        events.push(e);
        if (e.type === 'runEnd') end = e;
        post({ type: 'event', event: e });
      },
      error: reject,
      complete: resolve,
    });
    stopper = () => {
      running?.unsubscribe();
      resolve();
    };
  });
  running = null;
  stopper = () => undefined;
  if (!end) {
    // Stopped: its current step (and an epoch end it was in, with its checkpoint) finishes first, so that
    // the offer names the last kept epoch and Resume never reads a checkpoint still being written.
    await training.loopEnded();
    training.model.dispose();
    return stopped();
  }
  await run.markFinished();
  const folderName = `ct3d-run-seed${settings.seed}`;
  const saved = training.saved.best ?? training.saved.model;
  if (saved) {
    const val = new Set(training.split.val.map((e) => e.id));
    const model = await modelFromBytes(saved);
    explainable = { model, val, steps: plan.recipe.preprocess, volumes: run.volumes };
    post({ type: 'validation', rows: await validate(model, run.volumes, plan.scans, training.split.val) });
  }
  const facts = {
    where: plan.where,
    classNames: plan.classNames,
    recipe: plan.recipe,
    backendInUse,
    platform: `browser: ${navigator.userAgent}`,
    startedAt: plan.startedAt,
  };
  const zip = zipStore(
    (await memoryRunFiles(training, facts, summary, events, end)).map((f) => ({
      path: `${folderName}/${f.path}`,
      data: f.data,
    })),
  );
  // A browser that refuses the storage (a private window's quota) still gets its download.
  const info = memoryRunInfo(training, facts);
  const kept = await keepForDiagnosis(training, folderName, info, summary.metrics(end)).then(
    (diagnosable) => ({ diagnosable }),
    (err: unknown) => ({ diagnosable: false, notKept: describeError(err) }),
  );
  training.model.dispose();
  post({ type: 'finished', zip, folder: folderName, stopped: false, ...kept }, [zip.buffer]);
}

/**
 * Validation scan `id`'s heat map: the diagnosis page's and the dashboard's (interactiveExplanation, the
 * class `ct3d explain` explains), on the preprocessed scan itself, as the dashboard shows a cached scan.
 */
async function heatMap(id: string): Promise<void> {
  if (!explainable?.val.has(id)) throw new Error(`${id}: not a validation scan of the finished run`);
  const volume = await explainable.volumes.get(id);
  const how = interactiveExplanation(volume.shape);
  const { cam, layer, classIndex } = await explain(explainable.model, volume, how);
  const { method } = how;
  const scanNifti = encodeNifti(unitsToHu(volume, huScaling(explainable.steps)));
  const heatNifti = encodeNifti({ ...volume, data: cam.data }, { description: `ct3d ${method} ${layer}` });
  post({ type: 'heat-map', id, scanNifti, heatNifti, method, layer, classIndex }, [
    scanNifti.buffer,
    heatNifti.buffer,
  ]);
}

const fail = (err: unknown) => {
  running?.unsubscribe();
  running = null;
  post({ type: 'failed', message: errorText(err) });
};

scope.onmessage = ({ data: message }) => {
  if (message.type === 'stop') {
    stopRequested = true;
    stopper();
  } else if (message.type === 'explain') {
    const { id } = message;
    heatMap(id).catch((err: unknown) => post({ type: 'heat-map-failed', id, message: errorText(err) }));
  } else if (message.type === 'init') tab.init(message.runId).catch(fail);
  else if (message.type === 'resume') resume(message.runId).catch(fail);
  else if (message.type === 'discard') tab.discard(message.runId).catch(fail);
  else train(message.files, message.unreadable, message.settings, message.labels).catch(fail);
};
