// The training page's worker: finds the dropped scans by class folder, preprocesses each with the recipe's
// preprocessing exactly as `ct3d ingest` does (@ct3d/pipeline's processBytes, then the cache's float32
// encoding) into the page's private files (opfs-store.ts; memory where the browser refuses them), trains with
// @ct3d/train's trainFromStore (the split, batches, model and loop of `ct3d train`), streams the trainer's events to the page, and at the end zips the run folder. Nothing leaves the tab.
import { huScaling, resolveRecipe, type TransformEntry, unitsToHu } from '@ct3d/augment';
import type { Volume } from '@ct3d/core';
import { DEFAULT_MAX_BYTES, encodeNifti, zipStore } from '@ct3d/io';
import { type SkippedFile, seriesScanPath } from '@ct3d/io/dicom';
import { explain, initBackend, interactiveExplanation, modelFromBytes, type tf } from '@ct3d/model';
import { cachedVolume, describeError, processBytes, processDicomBytes } from '@ct3d/pipeline/browser';
import type { RunInfo } from '@ct3d/train';
import {
  type MemoryRun,
  MemoryVolumeStore,
  memoryRunFiles,
  memoryRunInfo,
  predictProbabilities,
  RunSummary,
  type StoredScan,
  type TrainEvent,
  trainFromStore,
  type VolumeStore,
} from '@ct3d/train/browser';
import type { Subscription } from 'rxjs';
import { WASM_FOLDER } from '../../manifest.js';
import { runManifest } from '../../run-manifest.js';
import { errorText } from '../error-text.js';
import type { DroppedFile } from '../protocol.js';
import { type ScanSource, scanSources } from '../scan-sources.js';
import { saveTrainedModel } from '../trained-model.js';
import { backendMessage } from './backend-message.js';
import { classFolders } from './class-folders.js';
import { csvLabels, type LabelledSource } from './csv-labels.js';
import { OpfsVolumeStore } from './opfs-store.js';
import type { FromTrainWorker, LabelsCsv, ToTrainWorker, TrainSettings, ValidationRow } from './protocol.js';

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

/** The recipe's preprocessing of one source, as ingest runs it, through the cache's float32 encoding. */
async function preprocess(
  source: ScanSource,
  settings: TrainSettings,
  steps: TransformEntry[],
): Promise<Volume> {
  const scan = {
    size: settings.size,
    name: source.facts.name,
    maxBytes: DEFAULT_MAX_BYTES,
    preprocess: steps,
  };
  if ('file' in source) return processBytes(new Uint8Array(await source.file.arrayBuffer()), scan).volume;
  const files = [];
  for (const f of source.series.files)
    files.push({ name: f.name, bytes: new Uint8Array(await f.blob.arrayBuffer()) });
  return (await processDicomBytes(files, scan)).volume;
}

let running: Subscription | null = null;
let stopRequested = false;

/** The model of a stopped run, disposed when the next run starts. */
let stale: tf.LayersModel | null = null;

/** The preprocessed volumes of the current run (emptied when the next starts). */
let store: VolumeStore = new MemoryVolumeStore();

/** The finished run's best checkpoint and validation scans, for their heat maps (until the next run). */
let explainable: { model: tf.LayersModel; val: Set<string>; steps: TransformEntry[] } | null = null;

/** The page's private files for the volumes, or memory (said on the page) where the browser refuses them. */
async function openStore(): Promise<VolumeStore> {
  try {
    return await OpfsVolumeStore.open();
  } catch (err) {
    post({ type: 'store-refused', message: describeError(err) });
    return new MemoryVolumeStore();
  }
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
  stopRequested = false;
  stale?.dispose();
  stale = null;
  explainable?.model.dispose();
  explainable = null;
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
  const planned: { source: ScanSource; id: string; label: number }[] = [];
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
  await store.clear();
  store = await openStore();
  const scans: StoredScan[] = [];
  for (const [i, p] of planned.entries()) {
    if (stopRequested) return post({ type: 'finished', zip: null, folder: '', stopped: true });
    const t0 = performance.now();
    try {
      const volume = await preprocess(p.source, settings, recipe.preprocess);
      await store.put(p.id, cachedVolume(volume, p.id).volume);
      scans.push({ id: p.id, source: p.id, label: p.label, shape: volume.shape });
      post({ type: 'prepared', scan: i, ms: performance.now() - t0 });
    } catch (err) {
      const text = describeError(err);
      post({
        type: 'scan-failed',
        scan: i,
        message: text.startsWith(`${p.id}: `) ? text : `${p.id}: ${text}`,
      });
    }
  }
  const backendInUse = await initBackend(settings.backend, { wasmPaths: new URL(WASM_FOLDER, base).href });
  post(backendMessage(backendInUse));
  if (stopRequested) return post({ type: 'finished', zip: null, folder: '', stopped: true });
  const where = files[0]?.path.split('/')[0] ?? 'dropped files';
  const run = trainFromStore({
    where,
    scans,
    store,
    classNames: folders.classNames,
    recipe,
    epochs: settings.epochs,
    seed: settings.seed,
    filters: settings.filters,
    batchSize: settings.batchSize,
    backend: settings.backend,
    backendInUse,
  });
  const summary = new RunSummary();
  const events: TrainEvent[] = [];
  let end: Extract<TrainEvent, { type: 'runEnd' }> | null = null;
  await new Promise<void>((resolve, reject) => {
    running = run.events$.subscribe({
      next: (e) => {
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
  const folder = `ct3d-run-seed${settings.seed}`;
  if (!end) {
    // A stopped run's last step may still be running: its model is disposed when the next run starts.
    stale = run.model;
    return post({ type: 'finished', zip: null, folder, stopped: true });
  }
  const saved = run.saved.best ?? run.saved.model;
  if (saved) {
    const val = new Set(run.split.val.map((e) => e.id));
    explainable = { model: await modelFromBytes(saved), val, steps: recipe.preprocess };
    post({ type: 'validation', rows: await validate(explainable.model, scans, run.split.val) });
  }
  const facts = {
    where,
    classNames: folders.classNames,
    recipe,
    backendInUse,
    platform: `browser: ${navigator.userAgent}`,
    startedAt,
  };
  const zip = zipStore(
    memoryRunFiles(run, facts, summary, events, end).map((f) => ({
      path: `${folder}/${f.path}`,
      data: f.data,
    })),
  );
  // A browser that refuses the storage (a private window's quota) still gets its download.
  const kept = await keepForDiagnosis(run, folder, memoryRunInfo(run, facts), summary.metrics(end)).then(
    (diagnosable) => ({ diagnosable }),
    (err: unknown) => ({ diagnosable: false, notKept: describeError(err) }),
  );
  run.model.dispose();
  post({ type: 'finished', zip, folder, stopped: false, ...kept }, [zip.buffer]);
}

/**
 * Keeps the run's checkpoint (best/ when there is one, as `ct3d export-web --run` exports) and its manifest
 * in this browser for the diagnosis page; true when kept. The manifest is built from run.json and
 * metrics.json as they are in the zip (JSON round trip), as export-web builds it from the unzipped folder.
 */
async function keepForDiagnosis(run: MemoryRun, folder: string, info: RunInfo, metrics: unknown) {
  const checkpoint = run.saved.best ? 'best' : 'model';
  const saved = run.saved.best ?? run.saved.model;
  if (!saved) return false;
  const manifest = runManifest({
    run: folder,
    checkpoint,
    inputShape: run.model.inputs[0].shape,
    units: run.model.outputs[0].shape.at(-1),
    info: JSON.parse(JSON.stringify(info)) as RunInfo,
    metrics: JSON.parse(JSON.stringify(metrics)),
    where: `${folder}/${checkpoint}`,
  });
  await saveTrainedModel({ manifest, json: saved.json, weights: saved.weights.slice() });
  return true;
}

/** The validation scans predicted by the saved model (best/ when there is one: what `ct3d predict --run` loads). */
async function validate(
  model: tf.LayersModel,
  scans: StoredScan[],
  val: { id: string }[],
): Promise<ValidationRow[]> {
  const rows: ValidationRow[] = [];
  for (const { id } of val) {
    const scan = scans.find((s) => s.id === id);
    if (scan) {
      const probabilities = await predictProbabilities(model, await store.get(id));
      rows.push({ id, label: scan.label, probabilities });
    }
  }
  return rows;
}

/**
 * Validation scan `id`'s heat map: the diagnosis page's and the dashboard's (interactiveExplanation, the
 * class `ct3d explain` explains), on the preprocessed scan itself, as the dashboard shows a cached scan.
 */
async function heatMap(id: string): Promise<void> {
  if (!explainable?.val.has(id)) throw new Error(`${id}: not a validation scan of the finished run`);
  const volume = await store.get(id);
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

let stopper: () => void = () => undefined;

scope.onmessage = ({ data: message }) => {
  if (message.type === 'stop') {
    stopRequested = true;
    stopper();
    return;
  }
  if (message.type === 'explain') {
    const { id } = message;
    heatMap(id).catch((err: unknown) => post({ type: 'heat-map-failed', id, message: errorText(err) }));
    return;
  }
  train(message.files, message.unreadable, message.settings, message.labels).catch((err: unknown) => {
    running?.unsubscribe();
    running = null;
    post({ type: 'failed', message: errorText(err) });
  });
};
