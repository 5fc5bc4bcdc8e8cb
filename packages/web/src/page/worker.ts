// The page's worker: loads the model once, then for each dropped file reads, decodes, preprocesses (the same
// @ct3d/io and @ct3d/preprocess code as `ct3d ingest`), predicts and explains it. The page never freezes,
// and the file's bytes stay in this tab: nothing here sends anything.
import type { Volume } from '@ct3d/core';
import { toChannelsLast } from '@ct3d/core';
import { claimedNiftiSize, decodeNifti, MIN_SCAN_EXTENT, NiftiError } from '@ct3d/io';
import { type BackendName, gradCam, initBackend, loadModel, tf } from '@ct3d/model';
import { processScan } from '@ct3d/preprocess';
import { formatPrediction, formatPredictions } from '@ct3d/train/format';
import { MODEL_FOLDER, WASM_FOLDER, type WebManifest } from '../manifest.js';
import type { FromWorker, MemoryReport, StageName, ToWorker } from './protocol.js';

interface Loaded {
  model: tf.LayersModel;
  manifest: WebManifest;
}

const scope = self as unknown as {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
};
const post = (message: FromWorker, transfer: Transferable[] = []) => scope.postMessage(message, transfer);

const GIB = 1024 ** 3;

async function load(base: string, manifest: WebManifest, backend: string): Promise<Loaded> {
  const t0 = performance.now();
  const choice = await initBackend(backend as BackendName, { wasmPaths: new URL(WASM_FOLDER, base).href });
  const model = await loadModel(new URL(MODEL_FOLDER, base).href);
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

/** Runs `work` as stage `stage` of request `id`, reporting its time when it ends. */
async function stage<T>(id: number, name: StageName, work: () => T | Promise<T>): Promise<T> {
  const t0 = performance.now();
  const out = await work();
  post({ type: 'stage', id, stage: name, ms: performance.now() - t0 });
  return out;
}

/** Refuses a scan that would not fit in the tab, from its header alone (before the file is read). */
async function checkSize(file: File, limit: number): Promise<void> {
  const head = new Uint8Array(await file.slice(0, 4096).arrayBuffer());
  const claimed = claimedNiftiSize(head, file.name);
  if (!claimed) return; // unreadable header: decodeNifti says why
  const need = file.size + claimed.bytes + 4 * claimed.voxels;
  if (need > limit) {
    throw new NiftiError(
      file.name,
      `needs ${(need / GIB).toFixed(1)} GiB in this tab (file, decoded voxels and their float32 copy); the page's limit is ${(limit / GIB).toFixed(1)} GiB`,
    );
  }
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

async function diagnose(loaded: Loaded, id: number, file: File): Promise<void> {
  const m = loaded.manifest;
  const bytes = await stage(id, 'read', async () => {
    await checkSize(file, m.maxScanBytes);
    return new Uint8Array(await file.arrayBuffer());
  });
  const scan = await stage(id, 'decode', () =>
    // NaN/Inf voxels: refused with their count, as `ct3d predict` does (a diagnosis of them means nothing).
    decodeNifti(bytes, {
      name: file.name,
      minExtent: MIN_SCAN_EXTENT,
      maxBytes: m.maxScanBytes,
      requireFinite: true,
    }),
  );
  const volume = await stage(id, 'preprocess', () =>
    processScan(scan, { size: m.inputSize, window: m.huWindow }),
  );
  const probabilities = await stage(id, 'predict', () => predict(loaded, volume));
  const shown = volume.data.slice();
  post(
    {
      type: 'prediction',
      id,
      probabilities,
      text: sentences(probabilities, m),
      volume: shown,
      shape: volume.shape,
    },
    [shown.buffer],
  );
  const cam = await stage(id, 'gradcam', () => gradCam(loaded.model, volume, { target: 'predicted' }));
  const data = cam.cam.data;
  post({ type: 'gradcam', id, cam: data, layer: cam.layer, classIndex: cam.classIndex, memory: memory() }, [
    data.buffer,
  ]);
}

let loading: Promise<Loaded> | null = null;
/** Requests run one after another: each needs the whole tab's memory budget. */
let queue: Promise<void> = Promise.resolve();

scope.onmessage = ({ data: message }) => {
  if (message.type === 'init') {
    loading = load(message.base, message.manifest, message.backend);
    loading.catch((err: unknown) => post({ type: 'init-failed', message: errorText(err) }));
    return;
  }
  const { id, file } = message;
  queue = queue.then(async () => {
    try {
      if (!loading) throw new Error('the worker was not initialised');
      await diagnose(await loading, id, file);
    } catch (err) {
      post({ type: 'failed', id, message: errorText(err), memory: memory() });
    }
  });
};

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
