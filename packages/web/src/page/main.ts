// The page: hands each picked or dropped file to the worker, shows each stage as it ends, the seed's
// sentences, the probabilities and the slices with their heat map. Holds no model code (worker.ts does).
import { MANIFEST_FILE, type WebManifest } from '../manifest.js';
import type { FromWorker, MemoryReport, StageName, ToWorker } from './protocol.js';
import {
  type CtWindow,
  drawSlice,
  PLANES,
  type Plane,
  type SliceSource,
  sliceCount,
  WINDOWS,
} from './viewer.js';

const STAGES: readonly StageName[] = ['read', 'decode', 'preprocess', 'predict', 'gradcam'];
const STAGE_TEXT: Record<StageName, string> = {
  read: 'Read the file',
  decode: 'Decode NIfTI',
  preprocess: 'Preprocess (HU window, rotate, resize)',
  predict: 'Predict',
  gradcam: 'Grad-CAM heat map',
};

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const base = new URL('./', location.href).href;
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const send = (message: ToWorker) => worker.postMessage(message);

let manifest: WebManifest | null = null;
let current = 0;
let shown: SliceSource | null = null;

function setState(state: 'loading' | 'ready' | 'busy' | 'done' | 'error'): void {
  document.body.dataset.state = state;
}

function showError(text: string | null): void {
  const el = $('error');
  el.hidden = text === null;
  el.textContent = text ?? '';
}

function stageItems(): void {
  $('stages').replaceChildren(
    ...STAGES.map((s, i) => {
      const li = document.createElement('li');
      li.dataset.stage = s;
      li.className = i === 0 ? 'running' : 'pending';
      li.textContent = `${STAGE_TEXT[s]}…`;
      return li;
    }),
  );
}

function stageDone(stage: StageName, ms: number): void {
  const items = [...$('stages').children] as HTMLElement[];
  const i = STAGES.indexOf(stage);
  items[i].className = 'done';
  items[i].dataset.ms = ms.toFixed(0);
  items[i].textContent = `${STAGE_TEXT[stage]}: ${ms < 10 ? ms.toFixed(1) : ms.toFixed(0)} ms`;
  if (items[i + 1]) items[i + 1].className = 'running';
}

function stopStages(): void {
  for (const li of $('stages').children) if (li.className !== 'done') li.remove();
}

function showPrediction(probabilities: number[], text: string): void {
  $('result').hidden = false;
  $('sentences').textContent = text;
  const rows = probabilities.map((p, c) => {
    const tr = document.createElement('tr');
    tr.dataset.probability = String(p);
    for (const cell of [manifest?.classNames[c] ?? `class ${c}`, p.toFixed(4)]) {
      const td = document.createElement('td');
      td.textContent = cell;
      tr.append(td);
    }
    return tr;
  });
  $('probabilities')
    .querySelector('tbody')
    ?.replaceChildren(...rows);
}

function currentWindow(): CtWindow {
  return WINDOWS[$<HTMLSelectElement>('window').value] ?? WINDOWS.lung;
}

function redraw(plane?: Plane): void {
  if (!shown) return;
  const opacity = Number($<HTMLInputElement>('opacity').value);
  for (const p of plane ? [plane] : PLANES) {
    const index = Number($<HTMLInputElement>(`slice-${p}`).value);
    drawSlice($<HTMLCanvasElement>(`view-${p}`), shown, p, index, currentWindow(), opacity);
  }
}

function showVolume(volume: Float32Array, shape: [number, number, number]): void {
  if (!manifest) return;
  shown = { volume, shape, hu: manifest.huWindow };
  for (const p of PLANES) {
    const slider = $<HTMLInputElement>(`slice-${p}`);
    const n = sliceCount(p, shape);
    slider.max = String(n - 1);
    slider.value = String(Math.floor(n / 2));
  }
  $('viewer').hidden = false;
  $('cam-info').textContent = 'Heat map: computing…';
  redraw();
}

function showMemory({ numTensors, numBytes }: MemoryReport): void {
  const el = $('memory');
  el.textContent = `tfjs after this scan: ${numTensors} tensors, ${(numBytes / 2 ** 20).toFixed(1)} MiB`;
  el.dataset.tensors = String(numTensors);
  el.dataset.bytes = String(numBytes);
}

function onMessage(m: FromWorker): void {
  if (m.type === 'ready') {
    $('backend').textContent =
      `Running on ${m.backend}: ${m.detail} (model loaded in ${(m.loadMs / 1000).toFixed(1)} s)`;
    $('backend').dataset.backend = m.backend;
    $('backend').dataset.loadMs = m.loadMs.toFixed(0);
    $('backend').title = m.rejected.join('\n');
    setState('ready');
    return;
  }
  if (m.type === 'init-failed') {
    showError(`The model could not be loaded: ${m.message}`);
    setState('error');
    return;
  }
  if (m.id !== current) return; // a newer file replaced this one
  if (m.type === 'stage') stageDone(m.stage, m.ms);
  else if (m.type === 'prediction') {
    showPrediction(m.probabilities, m.text);
    showVolume(m.volume, m.shape);
  } else if (m.type === 'gradcam') {
    if (shown) shown.cam = m.cam;
    const name = manifest?.classNames[m.classIndex] ?? `class ${m.classIndex}`;
    $('cam-info').textContent = `Heat map: evidence for "${name}" (Grad-CAM on ${m.layer})`;
    showMemory(m.memory);
    redraw();
    setState('done');
  } else if (m.type === 'failed') {
    stopStages();
    showError(m.message);
    showMemory(m.memory);
    setState('error');
  }
}

function diagnose(file: File): void {
  current += 1;
  showError(null);
  $('result').hidden = true;
  $('viewer').hidden = true;
  shown = null;
  stageItems();
  setState('busy');
  send({ type: 'diagnose', id: current, file });
}

async function start(): Promise<void> {
  worker.onmessage = (e: MessageEvent<FromWorker>) => onMessage(e.data);
  worker.onerror = (e) => {
    showError(`The page's worker failed: ${e.message}`);
    setState('error');
  };
  const response = await fetch(new URL(MANIFEST_FILE, base));
  if (!response.ok) throw new Error(`${MANIFEST_FILE}: HTTP ${response.status}`);
  manifest = (await response.json()) as WebManifest;
  const [w, h, d] = manifest.inputSize;
  $('model-info').textContent =
    `Run ${manifest.run} (${manifest.checkpoint} checkpoint): ${manifest.classNames.join(' / ')}, input ${w}x${h}x${d}`;
  const backend = new URLSearchParams(location.search).get('backend') ?? 'auto';
  send({ type: 'init', base, manifest, backend });

  const input = $<HTMLInputElement>('file');
  input.addEventListener('change', () => {
    if (input.files?.[0]) diagnose(input.files[0]);
    input.value = ''; // the same file again fires change again
  });
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const file = e.dataTransfer?.files[0];
    if (file) diagnose(file);
  });
  for (const p of PLANES) $(`slice-${p}`).addEventListener('input', () => redraw(p));
  $('window').addEventListener('change', () => redraw());
  $('opacity').addEventListener('input', () => redraw());
}

start().catch((err: unknown) => {
  showError(`The page could not start: ${err instanceof Error ? err.message : String(err)}`);
  setState('error');
});
