// The page: hands the picked or dropped files (folders too) to the worker, lists the scans it finds (NIfTI
// files, DICOM series) and the skipped files, shows each stage as it ends, and for the scan shown the seed's
// sentences, the probabilities and the slices with their heat map. Holds no model code (worker.ts does).
import { printable } from '@ct3d/core';
import { MANIFEST_FILE, type WebManifest } from '../manifest.js';
import { runFactsText, runWarnings, scanWarnings } from './checks.js';
import { droppedFiles, type Gathered, pickedFiles } from './dropped-files.js';
import type { FromWorker, MemoryReport, ScanFacts, StageName, ToWorker } from './protocol.js';
import { markSelected, setScanState, showPlan } from './scan-list.js';
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
  decode: 'Decode',
  preprocess: 'Preprocess (HU window, rotate, resize)',
  predict: 'Predict',
  gradcam: 'Grad-CAM heat map',
};

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const base = new URL('./', location.href).href;
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const send = (message: ToWorker) => worker.postMessage(message);

interface ScanResult {
  probabilities: number[];
  text: string;
  source: SliceSource;
  camText: string;
  /** Why this answer may not hold for this scan (far from the training scans). */
  warnings: string[];
}

let manifest: WebManifest | null = null;
let current = 0;
let shown: SliceSource | null = null;
/** The current drop: its scans, their results, the one shown and the error lines. */
let scans: ScanFacts[] = [];
let results = new Map<number, ScanResult>();
let selected = -1;
let errors: string[] = [];

function setState(state: 'loading' | 'ready' | 'busy' | 'done' | 'error'): void {
  document.body.dataset.state = state;
}

function showError(text: string | null): void {
  const el = $('error');
  el.hidden = text === null;
  el.textContent = text ?? '';
}

function stageText(stage: StageName, format: ScanFacts['format']): string {
  if (stage === 'read' && format === 'dicom') return "Read the series' files";
  if (stage === 'decode') return `${STAGE_TEXT.decode} ${format === 'dicom' ? 'DICOM series' : 'NIfTI'}`;
  return STAGE_TEXT[stage];
}

let stagesFormat: ScanFacts['format'] = 'nifti';

function stageItems(format: ScanFacts['format']): void {
  stagesFormat = format;
  $('stages').replaceChildren(
    ...STAGES.map((s, i) => {
      const li = document.createElement('li');
      li.dataset.stage = s;
      li.className = i === 0 ? 'running' : 'pending';
      li.textContent = `${stageText(s, format)}…`;
      return li;
    }),
  );
}

function stageDone(stage: StageName, ms: number): void {
  const items = [...$('stages').children] as HTMLElement[];
  const i = STAGES.indexOf(stage);
  items[i].className = 'done';
  items[i].dataset.ms = ms.toFixed(0);
  items[i].textContent = `${stageText(stage, stagesFormat)}: ${ms < 10 ? ms.toFixed(1) : ms.toFixed(0)} ms`;
  if (items[i + 1]) items[i + 1].className = 'running';
}

/** After an error: the stage that was running is marked failed, the later ones not run (none looks busy). */
function failStages(): void {
  for (const li of $('stages').children) {
    const item = li as HTMLElement;
    const stage = item.dataset.stage as StageName;
    if (item.className === 'running') {
      item.className = 'failed';
      item.textContent = `${stageText(stage, stagesFormat)}: failed`;
    } else if (item.className === 'pending') {
      item.className = 'skipped';
      item.textContent = `${stageText(stage, stagesFormat)}: not run`;
    }
  }
}

/** Fills a list with one item per line; hidden when there are none. */
function showLines(list: HTMLElement, lines: readonly string[]): void {
  list.replaceChildren(
    ...lines.map((line) => {
      const li = document.createElement('li');
      li.textContent = line;
      return li;
    }),
  );
  list.hidden = lines.length === 0;
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

function showVolume(source: SliceSource): void {
  shown = source;
  for (const p of PLANES) {
    const slider = $<HTMLInputElement>(`slice-${p}`);
    const n = sliceCount(p, source.shape);
    slider.max = String(n - 1);
    slider.value = String(Math.floor(n / 2));
  }
  $('viewer').hidden = false;
  redraw();
}

/** Shows scan `scan` of the drop: its sentences, probabilities and slices (with its heat map once made). */
function select(scan: number): void {
  const result = results.get(scan);
  if (!result) return;
  selected = scan;
  markSelected($('scans'), scan);
  // The name as the terminal shows it: a control or bidi character in it is an escape, not an effect.
  $('scan-name').textContent = printable(scans[scan]?.name ?? '');
  showLines($('warnings'), result.warnings);
  showPrediction(result.probabilities, result.text);
  $('cam-info').textContent = result.camText;
  showVolume(result.source);
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
  if (m.id !== current) return; // a newer drop replaced this one
  if (m.type === 'plan') {
    scans = m.scans;
    showPlan($('scans'), $('skipped'), m.scans, m.skipped, select);
  } else if (m.type === 'start') {
    stageItems(scans[m.scan]?.format ?? 'nifti');
    setScanState($('scans'), m.scan, 'running', 'running…');
  } else if (m.type === 'stage') stageDone(m.stage, m.ms);
  else if (m.type === 'prediction') {
    if (!manifest) return;
    const source = { volume: m.volume, shape: m.shape, hu: manifest.huWindow };
    const numbers = { shape: m.scanShape, huMean: m.huMean, huStd: m.huStd };
    results.set(m.scan, {
      probabilities: m.probabilities,
      text: m.text,
      source,
      camText: 'Heat map: computing…',
      warnings: scanWarnings(numbers, manifest.trainingSet),
    });
    const top = m.probabilities.indexOf(Math.max(...m.probabilities));
    const outcome = `${manifest.classNames[top] ?? `class ${top}`} ${m.probabilities[top].toFixed(4)}`;
    setScanState($('scans'), m.scan, 'done', outcome);
    if (selected < 0) select(m.scan);
  } else if (m.type === 'gradcam') {
    const result = results.get(m.scan);
    if (!result) return;
    result.source.cam = m.cam;
    const name = manifest?.classNames[m.classIndex] ?? `class ${m.classIndex}`;
    result.camText = `Heat map: evidence for "${name}" (Grad-CAM on ${m.layer})`;
    showMemory(m.memory);
    if (selected === m.scan) {
      $('cam-info').textContent = result.camText;
      redraw(); // the slices stay where the user moved them
    }
  } else if (m.type === 'failed') {
    failStages();
    if (m.scan >= 0) setScanState($('scans'), m.scan, 'error', m.message);
    errors.push(m.message);
    showError(errors.join('\n'));
    showMemory(m.memory);
  } else if (m.type === 'finished') {
    setState(results.size > 0 ? 'done' : 'error');
  }
}

function diagnose({ files, unreadable }: Gathered): void {
  current += 1;
  document.body.dataset.request = String(current);
  scans = [];
  results = new Map();
  selected = -1;
  errors = [];
  showError(null);
  $('result').hidden = true;
  $('viewer').hidden = true;
  $('scans').hidden = true;
  $('skipped').hidden = true;
  shown = null;
  $('stages').replaceChildren();
  setState('busy');
  send({ type: 'diagnose', id: current, files, unreadable });
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
  $('run-facts').textContent = runFactsText(manifest);
  showLines($('run-warnings'), runWarnings(manifest));
  const backend = new URLSearchParams(location.search).get('backend') ?? 'auto';
  send({ type: 'init', base, manifest, backend });

  for (const id of ['file', 'folder']) {
    const input = $<HTMLInputElement>(id);
    input.addEventListener('change', () => {
      if (input.files?.length) diagnose(pickedFiles(input.files));
      input.value = ''; // the same files again fire change again
    });
  }
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    if (!e.dataTransfer) return;
    droppedFiles(e.dataTransfer).then(diagnose, (err: unknown) =>
      showError(`The drop could not be read: ${err instanceof Error ? err.message : String(err)}`),
    );
  });
  for (const p of PLANES) $(`slice-${p}`).addEventListener('input', () => redraw(p));
  $('window').addEventListener('change', () => redraw());
  $('opacity').addEventListener('input', () => redraw());
}

start().catch((err: unknown) => {
  showError(`The page could not start: ${err instanceof Error ? err.message : String(err)}`);
  setState('error');
});
