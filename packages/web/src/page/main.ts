// The page: hands the picked or dropped files (folders too) to the worker, lists the scans it finds (NIfTI
// files, DICOM series) and the skipped files, shows each stage as it ends, and for the scan shown the seed's
// sentences, the probabilities and the slices with their heat map. Holds no model code (worker.ts does).
import { printable } from '@ct3d/core';
import type { WebManifest } from '../manifest.js';
import { runFactsText, runWarnings, scanWarnings } from './checks.js';
import { acceptDrops, type Gathered, pickedFiles } from './dropped-files.js';
import { errorText } from './error-text.js';
import { pageModel } from './page-model.js';
import type { FromWorker, MemoryReport, ScanFacts, StageName, ToWorker } from './protocol.js';
import { markSelected, setScanState, showPlan } from './scan-list.js';
import {
  CT_WINDOWS,
  type CursorReadout,
  LAYOUTS,
  type LayoutName,
  VolumeView,
  type WindowName,
} from './volume-view.js';

const STAGES: readonly StageName[] = ['read', 'decode', 'preprocess', 'predict', 'gradcam'];
const STAGE_TEXT: Record<StageName, string> = {
  read: 'Read the file',
  decode: 'Decode',
  preprocess: 'Preprocess (HU window, rotate, resize)', // pages exported before recipes
  predict: 'Predict',
  gradcam: 'Heat map',
};

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const base = new URL('./', location.href).href;
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const send = (message: ToWorker) => worker.postMessage(message);

interface ScanResult {
  probabilities: number[];
  text: string;
  /** The scan and its heat map as NIfTI bytes on the scan's grid (what the viewer loads). */
  scanNifti: Uint8Array;
  heatNifti?: Uint8Array;
  camText: string;
  /** Why this answer may not hold for this scan (far from the training scans). */
  warnings: string[];
}

let manifest: WebManifest | null = null;
let current = 0;
let view: VolumeView | null = null;
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
  // The run's own steps: a recipe other than the seed's must not be shown as the seed's.
  const steps = manifest?.preprocess;
  if (stage === 'preprocess' && steps) return `Preprocess (${steps.map((s) => s.name).join(', ')})`;
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

function currentWindow(): WindowName {
  const name = $<HTMLSelectElement>('window').value;
  return Object.hasOwn(CT_WINDOWS, name) ? (name as WindowName) : 'lung';
}

function showCursor(r: CursorReadout): void {
  const el = $('cursor');
  const heat = r.heat === null ? '' : `, heat ${r.heat.toFixed(2)}`;
  el.textContent = `voxel ${r.vox.join(', ')}: ${Number.isFinite(r.hu) ? r.hu.toFixed(0) : '–'} HU${heat}`;
  el.dataset.hu = String(r.hu);
}

/** Loads the scan (then its heat map, once made) into the viewer; the page says when both are drawn. */
async function showVolume(result: ScanResult): Promise<void> {
  view ??= new VolumeView($<HTMLCanvasElement>('viewer-canvas'), showCursor);
  $('viewer').hidden = false;
  delete document.body.dataset.viewer;
  // The scan is loaded once; its heat map, when it comes, is added over it.
  if (inViewer !== result) await view.showScan(result.scanNifti, currentWindow());
  inViewer = result;
  if (result.heatNifti) await view.showHeat(result.heatNifti);
  document.body.dataset.viewer = result.heatNifti ? 'scan+heat' : 'scan';
}

/** The result whose scan the viewer holds. */
let inViewer: ScanResult | null = null;

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
  showVolume(result).catch((err: unknown) => showError(`The viewer failed: ${errorText(err)}`));
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
    const numbers = { shape: m.scanShape, huMean: m.huMean, huStd: m.huStd };
    results.set(m.scan, {
      probabilities: m.probabilities,
      text: m.text,
      scanNifti: m.scanNifti,
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
    result.heatNifti = m.heatNifti;
    const name = manifest?.classNames[m.classIndex] ?? `class ${m.classIndex}`;
    result.camText = `Heat map: evidence for "${name}" (${m.method} on ${m.layer}), in the scan's space`;
    showMemory(m.memory);
    if (selected === m.scan) {
      $('cam-info').textContent = result.camText;
      showVolume(result).catch((err: unknown) => showError(`The viewer failed: ${errorText(err)}`));
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
  const { manifest: loaded, model, wasm } = await pageModel(base);
  manifest = loaded;
  const [w, h, d] = manifest.inputSize;
  $('model-info').textContent =
    `Run ${manifest.run} (${manifest.checkpoint} checkpoint): ${manifest.classNames.join(' / ')}, input ${w}x${h}x${d}`;
  $('run-facts').textContent = runFactsText(manifest);
  showLines($('run-warnings'), runWarnings(manifest));
  const backend = new URLSearchParams(location.search).get('backend') ?? 'auto';
  send({ type: 'init', wasm, manifest, backend, model });

  for (const id of ['file', 'folder']) {
    const input = $<HTMLInputElement>(id);
    input.addEventListener('change', () => {
      if (input.files?.length) diagnose(pickedFiles(input.files));
      input.value = ''; // the same files again fire change again
    });
  }
  acceptDrops($('drop'), diagnose, showError);
  $('window').addEventListener('change', () => view?.setWindow(currentWindow()));
  $('opacity').addEventListener('input', () =>
    view?.setOpacity(Number($<HTMLInputElement>('opacity').value)),
  );
  $('radiological').addEventListener('change', () =>
    view?.setRadiological($<HTMLInputElement>('radiological').checked),
  );
  $('layout').addEventListener('change', () => {
    const name = $<HTMLSelectElement>('layout').value;
    if (Object.hasOwn(LAYOUTS, name)) view?.setLayout(name as LayoutName);
  });
}

/** For tests and the curious: the viewer (NiiVue) of this page. */
(globalThis as unknown as { ct3dViewer: () => VolumeView | null }).ct3dViewer = () => view;

start().catch((err: unknown) => {
  showError(`The page could not start: ${errorText(err)}`);
  setState('error');
});
