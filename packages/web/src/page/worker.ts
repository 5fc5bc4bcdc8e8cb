// The page's worker: loads the model once, then for each drop finds its scans (NIfTI files, DICOM series) and
// reads, decodes, preprocesses (the same @ct3d/io code and composed recipe preprocessing as `ct3d ingest`),
// predicts and explains each in turn. The page never freezes, and the files' bytes stay in this tab.
import { composeStage, mapToScan, seedRecipe } from '@ct3d/augment';
import type { Volume } from '@ct3d/core';
import { toChannelsLast } from '@ct3d/core';
import { decodeNifti, encodeNifti, MIN_SCAN_EXTENT } from '@ct3d/io';
import { readBlobSeries, readDicomSeries, type SkippedFile, setDicomWasmLocator } from '@ct3d/io/dicom';
import {
  type BackendName,
  explain,
  initBackend,
  interactiveExplanation,
  loadModel,
  modelFromBytes,
  tf,
} from '@ct3d/model';
import { windowedHuStats } from '@ct3d/preprocess';
import { formatPrediction, formatPredictions } from '@ct3d/train/format';
import type { WebManifest } from '../manifest.js';
import { errorText } from './error-text.js';
import type { DroppedFile, FromWorker, MemoryReport, StageName, ToWorker } from './protocol.js';
import {
  checkNiftiSize,
  checkSeriesSize,
  noScanMessage,
  type ScanSource,
  scanSources,
} from './scan-sources.js';

interface Loaded {
  model: tf.LayersModel;
  manifest: WebManifest;
}

const scope = self as unknown as {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
};
const post = (message: FromWorker, transfer: Transferable[] = []) => scope.postMessage(message, transfer);

async function load(init: Extract<ToWorker, { type: 'init' }>): Promise<Loaded> {
  const { wasm, manifest, backend } = init;
  const t0 = performance.now();
  // The DICOM codecs' .wasm files are the page's own too (loaded only when a compressed series comes).
  setDicomWasmLocator((file) => new URL(file, wasm).href);
  const choice = await initBackend(backend as BackendName, { wasmPaths: wasm });
  const model =
    typeof init.model === 'string' ? await loadModel(init.model) : await modelFromBytes(init.model);
  // One warm-up prediction compiles the kernels (WebGPU pipelines, wasm code) before the first scan; awaited,
  // so that its GPU work is not counted in the first scan's time.
  const x = tf.zeros([1, ...manifest.inputSize, 1]);
  const y = model.predict(x) as tf.Tensor;
  await y.data();
  tf.dispose([x, y]);
  post({
    type: 'ready',
    backend: choice.name,
    detail: choice.detail,
    rejected: choice.rejected,
    loadMs: performance.now() - t0,
  });
  return { model, manifest };
}

/** Which request and which of its scans the worker is on. */
interface At {
  id: number;
  scan: number;
}

/** Runs `work` as stage `name` of scan `at`, reporting its time when it ends. */
async function stage<T>(at: At, name: StageName, work: () => T | Promise<T>): Promise<T> {
  const t0 = performance.now();
  const out = await work();
  post({ type: 'stage', ...at, stage: name, ms: performance.now() - t0 });
  return out;
}

function sentences(probabilities: number[], m: WebManifest): string {
  if (m.head === 'sigmoid') return formatPrediction(probabilities[1], [m.classNames[0], m.classNames[1]]);
  return formatPredictions(probabilities, m.classNames);
}

async function predict({ model, manifest }: Loaded, v: Volume): Promise<number[]> {
  const x = tf.tensor5d(toChannelsLast(v), [1, ...v.shape, 1]);
  try {
    const y = model.predict(x) as tf.Tensor;
    const out = Array.from(await y.data());
    y.dispose();
    return manifest.head === 'sigmoid' ? [1 - out[0], out[0]] : out;
  } finally {
    x.dispose();
  }
}

function memory(): MemoryReport {
  const { numTensors, numBytes } = tf.memory();
  return { numTensors, numBytes };
}

/** The scan as a Volume in HU: NIfTI decoded, or a DICOM series read whole then decoded. */
async function readVolume(at: At, source: ScanSource, m: WebManifest): Promise<Volume> {
  if ('file' in source) {
    const { file } = source;
    const name = source.facts.name;
    const bytes = await stage(at, 'read', async () => {
      await checkNiftiSize(file, name, m.maxScanBytes);
      return new Uint8Array(await file.arrayBuffer());
    });
    // NaN/Inf voxels: refused with their count, as `ct3d predict` does (a diagnosis of them means nothing).
    return stage(at, 'decode', () =>
      decodeNifti(bytes, { name, minExtent: MIN_SCAN_EXTENT, maxBytes: m.maxScanBytes, requireFinite: true }),
    );
  }
  const series = await stage(at, 'read', () => {
    checkSeriesSize(source, m.maxScanBytes);
    return readBlobSeries(source.series);
  });
  return stage(at, 'decode', () => readDicomSeries(series, { minExtent: MIN_SCAN_EXTENT }));
}

async function diagnoseScan(loaded: Loaded, at: At, source: ScanSource): Promise<void> {
  const m = loaded.manifest;
  const scan = await readVolume(at, source, m);
  // The run's recipe preprocessing: the function ingest ran on the training scans.
  const steps = m.preprocess ?? seedRecipe(m.inputSize).preprocess;
  const volume = await stage(at, 'preprocess', () =>
    composeStage({ preprocess: steps }, 'preprocess').apply(scan),
  );
  const probabilities = await stage(at, 'predict', () => predict(loaded, volume));
  // The viewer shows the scan as read (its grid, its affine), in HU: NIfTI bytes NiiVue reads.
  const shown = encodeNifti(scan);
  const hu = windowedHuStats(volume.data, m.huWindow);
  post(
    {
      type: 'prediction',
      ...at,
      probabilities,
      text: sentences(probabilities, m),
      scanNifti: shown,
      scanShape: scan.shape,
      huMean: hu.mean,
      huStd: hu.std,
    },
    [shown.buffer],
  );
  const how = interactiveExplanation(m.inputSize);
  const { method } = how;
  const heat = await stage(at, 'gradcam', async () => {
    // The class `ct3d explain` and the dashboard explain: abnormal for a sigmoid run, else the predicted one.
    const r = await explain(loaded.model, volume, how);
    // The map in the scan's space: the preprocessing's spatial steps undone (as `ct3d explain` writes it).
    return { r, bytes: encodeNifti({ ...scan, data: mapToScan(steps, r.cam, scan) }) };
  });
  post(
    {
      type: 'gradcam',
      ...at,
      heatNifti: heat.bytes,
      method,
      layer: heat.r.layer,
      classIndex: heat.r.classIndex,
      memory: memory(),
    },
    [heat.bytes.buffer],
  );
}

/** The newest drop: an older one still running stops at its next scan (the page shows only the newest). */
let newest = 0;

/** Every scan of a drop in turn: one that fails gets its one line, naming it, and the next goes on. */
async function diagnose(loaded: Loaded, id: number, files: DroppedFile[], unreadable: SkippedFile[]) {
  const found = await scanSources(files);
  const skipped = [...unreadable, ...found.skipped];
  post({ type: 'plan', id, scans: found.scans.map((s) => s.facts), skipped });
  if (found.scans.length === 0) throw new Error(noScanMessage(files.length + unreadable.length, skipped));
  for (const [scan, source] of found.scans.entries()) {
    if (id !== newest) return;
    post({ type: 'start', id, scan });
    try {
      await diagnoseScan(loaded, { id, scan }, source);
    } catch (err) {
      // A frame's error names its file: the series' name goes first.
      const { name } = source.facts;
      const text = errorText(err);
      const message = text.startsWith(`${name}: `) ? text : `${name}: ${text}`;
      post({ type: 'failed', id, scan, message, memory: memory() });
    }
  }
}

let loading: Promise<Loaded> | null = null;
/** Requests run one after another: each needs the whole tab's memory budget. */
let queue: Promise<void> = Promise.resolve();

scope.onmessage = ({ data: message }) => {
  if (message.type === 'init') {
    loading = load(message);
    loading.catch((err: unknown) => post({ type: 'init-failed', message: errorText(err) }));
    return;
  }
  const { id, files, unreadable } = message;
  newest = id;
  queue = queue.then(async () => {
    try {
      if (!loading) throw new Error('the worker was not initialised');
      await diagnose(await loading, id, files, unreadable);
    } catch (err) {
      post({ type: 'failed', id, scan: -1, message: errorText(err), memory: memory() });
    }
    post({ type: 'finished', id });
  });
};
