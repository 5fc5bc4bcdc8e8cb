// The training page: takes a dropped or picked folder of class folders, the form's settings and Train; the
// worker (worker.ts) does all the work. Shows the scans found, the seed's epoch lines and a live chart from
// the trainer's events, the validation predictions, and offers the run folder as a zip. Holds no model code.
import { PRESETS } from '@ct3d/augment';
import { printable } from '@ct3d/core';
import { formatEpochLine } from '@ct3d/train/format';
import { acceptDrops, type Gathered, pickedFiles } from '../dropped-files.js';
import { errorText } from '../error-text.js';
import { backendLine } from './backend-line.js';
import { type ChartSeries, drawChart } from './chart.js';
import { heatMapPending, hideHeatMap, showHeatMap, startHeatMapControls } from './heat-map.js';
import { showLeftovers } from './leftovers.js';
import type { FromTrainWorker, LabelsCsv, ToTrainWorker, TrainSettings } from './protocol.js';
import { resetStageTimes, showPool, showPreprocessed, showStep } from './stage-times.js';
import { tabRun } from './tab-run-id.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const send = (message: ToTrainWorker) => worker.postMessage(message);

let gathered: Gathered | null = null;
let classNames: string[] = [];
let scanIds: string[] = [];
let chart: ChartSeries = { steps: [], epochs: {} };
let epochs = 1;
let stepsPerEpoch = 1;
let zipUrl: string | null = null;
/** The labels CSV chosen (instead of class folders), read when picked. */
let labels: LabelsCsv | undefined;
/** The unfinished run Resume continues (this tab's), if any. */
let resumable: string | null = null;

function setLabels(csv: LabelsCsv | undefined): void {
  labels = csv;
  $('labels-info').textContent = csv ? `Labels from ${printable(csv.name)}` : '';
  $('no-labels').hidden = !csv;
}

type PageState = 'ready' | 'preparing' | 'training' | 'done' | 'stopped' | 'error';
let current: PageState = 'ready';

function setState(state: PageState): void {
  current = state;
  document.body.dataset.state = state;
  $<HTMLButtonElement>('train').disabled = gathered === null || state === 'preparing' || state === 'training';
  $<HTMLButtonElement>('stop').disabled = state !== 'preparing' && state !== 'training';
  const busy = state === 'preparing' || state === 'training';
  for (const id of ['resume', 'discard']) {
    $<HTMLButtonElement>(id).hidden = resumable === null || busy;
    $<HTMLButtonElement>(id).disabled = resumable === null || busy;
  }
  if (resumable === null || busy) $('resume-info').textContent = '';
}

/** The form shows a resumed run's settings (its plan's: the form's own are not used). */
function showSettings(s: TrainSettings): void {
  $<HTMLInputElement>('size').value = s.size.join('x');
  $<HTMLInputElement>('epochs').value = String(s.epochs);
  $<HTMLInputElement>('seed').value = String(s.seed);
  $<HTMLSelectElement>('preset').value = s.preset;
  $<HTMLInputElement>('filters').value = s.filters.join(',');
  $<HTMLInputElement>('batch').value = String(s.batchSize);
  $<HTMLSelectElement>('backend').value = s.backend;
}

/** Clears the log, chart and results for a run that starts (or resumes) with `runEpochs` epochs. */
function clearRun(runEpochs: number): void {
  showError(null);
  $('log').textContent = '';
  for (const key of ['epochs', 'epochMs', 'msPerStep', 'kept']) delete $('log').dataset[key];
  $('validation').hidden = true;
  $('download').hidden = true;
  $('diagnose').hidden = true;
  $('not-kept').textContent = '';
  hideHeatMap();
  if (zipUrl) URL.revokeObjectURL(zipUrl);
  zipUrl = null;
  chart = { steps: [], epochs: {} };
  resetStageTimes();
  epochs = runEpochs;
}

function showError(text: string | null): void {
  $('error').hidden = text === null;
  $('error').textContent = text ?? '';
}

function line(text: string): void {
  $('log').textContent += `${text}\n`;
}

/** The form's settings; a bad field throws its one-line reason. */
function settings(): TrainSettings {
  const size = $<HTMLInputElement>('size').value.split('x').map(Number);
  if (size.length !== 3 || !size.every((n) => Number.isInteger(n) && n >= 8))
    throw new Error(
      `Size must be W x H x D, each an integer >= 8 (e.g. 128x128x64), got "${$<HTMLInputElement>('size').value}"`,
    );
  const filters = $<HTMLInputElement>('filters').value.split(',').map(Number);
  if (filters.length === 0 || !filters.every((n) => Number.isInteger(n) && n >= 1))
    throw new Error(
      `Filters must be positive integers separated by commas, got "${$<HTMLInputElement>('filters').value}"`,
    );
  const integer = (id: string, min: number) => {
    const v = Number($<HTMLInputElement>(id).value);
    if (!Number.isInteger(v) || v < min)
      throw new Error(`${id} must be an integer >= ${min}, got "${$<HTMLInputElement>(id).value}"`);
    return v;
  };
  return {
    size: size as [number, number, number],
    epochs: integer('epochs', 1),
    seed: integer('seed', 0),
    preset: $<HTMLSelectElement>('preset').value,
    filters,
    batchSize: integer('batch', 1),
    backend: $<HTMLSelectElement>('backend').value as TrainSettings['backend'],
  };
}

function take(files: Gathered): void {
  gathered = files;
  $('files').textContent =
    `${files.files.length} files chosen${files.unreadable.length ? `, ${files.unreadable.length} unreadable` : ''}`;
  setState('ready');
}

function startTraining(): void {
  if (!gathered) return;
  let chosen: TrainSettings;
  try {
    chosen = settings();
  } catch (err) {
    showError(errorText(err));
    return;
  }
  clearRun(chosen.epochs);
  $('scans').replaceChildren();
  resumable = null;
  setState('preparing');
  send({ type: 'train', files: gathered.files, unreadable: gathered.unreadable, settings: chosen, labels });
}

function scanItem(i: number): HTMLElement | undefined {
  return $('scans').children[i] as HTMLElement | undefined;
}

function onEvent(e: Extract<FromTrainWorker, { type: 'event' }>['event']): void {
  if (e.type === 'runStart') {
    setState('training');
    stepsPerEpoch = e.stepsPerEpoch ?? 1;
    if (e.resumed) line(`Resumed after epoch ${e.resumed.epoch}`);
    else line(`Training ${e.epochs} epochs of ${e.stepsPerEpoch} steps on ${e.backend}`);
  } else if (e.type === 'batchEnd') {
    const x = e.epoch - 1 + e.step / stepsPerEpoch;
    chart.steps.push([x, e.loss]);
    drawChart($<HTMLCanvasElement>('chart'), chart, epochs);
    showStep(e, x, epochs);
  } else if (e.type === 'epochEnd') {
    for (const key of ['loss', 'acc', 'val_loss', 'val_acc'] as const) {
      const v = e[key];
      if (typeof v !== 'number') continue;
      chart.epochs[key] ??= [];
      chart.epochs[key].push(v);
    }
    line(formatEpochLine(e));
    // The last epoch's numbers, for tests and the benchmark (bench/web-train.ts).
    Object.assign($('log').dataset, {
      epochs: String(e.epoch),
      epochMs: String(e.ms),
      msPerStep: String(e.msPerStep),
    });
    drawChart($<HTMLCanvasElement>('chart'), chart, epochs);
  } else if (e.type === 'earlyStop')
    line(`Stopped early at epoch ${e.epoch}: best ${e.monitor} at epoch ${e.bestEpoch}`);
  else if (e.type === 'runEnd') line(`Done: ${e.epochsRun} epochs, best epoch ${e.bestEpoch}`);
}

/** One list item per text. */
function listItems(texts: string[]): HTMLLIElement[] {
  return texts.map((text) => {
    const li = document.createElement('li');
    li.textContent = text;
    return li;
  });
}

function onMessage(m: FromTrainWorker): void {
  if (m.type === 'plan') {
    classNames = m.classNames;
    scanIds = m.scans.map((s) => s.id);
    $('scans').replaceChildren(
      ...listItems(
        m.scans.map((s) => `${printable(s.id)} (${printable(classNames[s.label] ?? '')}): waiting`),
      ),
    );
    $('label-problems').replaceChildren(...listItems(m.problems.map(printable)));
    $('skipped-files').replaceChildren(
      ...listItems(m.skipped.map((s) => `${printable(s.name)}: ${s.reason}`)),
    );
    $('skipped').hidden = m.skipped.length === 0 && m.problems.length === 0;
  } else if (m.type === 'prepared' || m.type === 'scan-failed') {
    const li = scanItem(m.scan);
    if (!li) return;
    li.dataset.state = m.type === 'prepared' ? 'done' : 'error';
    li.textContent =
      m.type === 'prepared'
        ? `${printable(scanIds[m.scan])}: preprocessed in ${m.ms.toFixed(0)} ms`
        : printable(m.message);
  } else if (m.type === 'pool') showPool(m.workers);
  else if (m.type === 'preprocessed') showPreprocessed(m.ms, m.scans, m.failed);
  else if (m.type === 'store-refused') {
    $('store-info').textContent =
      `The preprocessed scans are kept in memory and a reload cannot resume the run: this browser refused its private files (${m.message}).`;
  } else if (m.type === 'run') {
    tabRun.set(m.persistent ? m.runId : null);
    $('elsewhere-info').textContent = '';
  } else if (m.type === 'run-elsewhere') {
    tabRun.set(null);
    $('elsewhere-info').textContent =
      "This tab's run is open in another tab (this one is a copy of it): resume it there; Train here starts a new run.";
  } else if (m.type === 'resumable') {
    resumable = m.runId;
    showSettings(m.settings);
    $('resume-info').textContent =
      `Unfinished run of ${printable(m.where)}: ${m.epoch} of ${m.epochs} epochs finished and kept.`;
    setState(current);
  } else if (m.type === 'resuming') {
    showSettings(m.settings);
    clearRun(m.settings.epochs);
    setState('training');
  } else if (m.type === 'kept') $('log').dataset.kept = String(m.epoch);
  else if (m.type === 'leftovers')
    showLeftovers($('leftovers'), m.runs, (runId, action) => send({ type: action, runId }));
  else if (m.type === 'discarded') {
    if (tabRun.get() === m.runId) tabRun.set(null);
    if (resumable === m.runId) resumable = null;
    setState(current);
  } else if (m.type === 'backend') {
    $('backend-info').textContent = backendLine(m);
    $('backend-info').dataset.backend = m.name;
    $('backend-info').dataset.threads = String(m.threads);
  } else if (m.type === 'event') onEvent(m.event);
  else if (m.type === 'validation') showValidation(m.rows);
  else if (m.type === 'heat-map' || m.type === 'heat-map-failed')
    showHeatMap(
      m,
      m.type === 'heat-map' ? (classNames[m.classIndex] ?? `class ${m.classIndex}`) : '',
      printable,
    ).catch((err: unknown) => showError(`The viewer failed: ${errorText(err)}`));
  else if (m.type === 'finished') {
    resumable = null; // a stopped run is offered again by the worker's next message
    if (m.zip) {
      zipUrl = URL.createObjectURL(new Blob([m.zip as BlobPart], { type: 'application/zip' }));
      const a = $<HTMLAnchorElement>('download');
      a.href = zipUrl;
      a.download = `${m.folder}.zip`;
      a.hidden = false;
    }
    // The diagnosis page (diagnose/) on this model, kept in this browser by the worker: nothing is uploaded.
    $('diagnose').hidden = !m.diagnosable;
    $('not-kept').textContent = m.notKept ? `No diagnosis page for this run: ${m.notKept}` : '';
    setState(m.stopped ? 'stopped' : 'done');
  } else if (m.type === 'failed') {
    showError(m.message);
    setState('error');
  }
}

function showValidation(rows: Extract<FromTrainWorker, { type: 'validation' }>['rows']): void {
  $('validation').hidden = false;
  $('validation')
    .querySelector('tbody')
    ?.replaceChildren(
      ...rows.map((r) => {
        const tr = document.createElement('tr');
        tr.dataset.id = r.id;
        tr.dataset.probabilities = JSON.stringify(r.probabilities);
        for (const cell of [
          r.id,
          classNames[r.label] ?? '',
          r.probabilities.map((p) => p.toFixed(4)).join(' / '),
        ]) {
          const td = document.createElement('td');
          td.textContent = printable(cell);
          tr.append(td);
        }
        const button = document.createElement('button');
        button.type = 'button';
        button.textContent = 'Heat map';
        button.addEventListener('click', () => {
          heatMapPending(printable(r.id));
          send({ type: 'explain', id: r.id });
        });
        const td = document.createElement('td');
        td.append(button);
        tr.append(td);
        return tr;
      }),
    );
}

function start(): void {
  worker.onmessage = (e: MessageEvent<FromTrainWorker>) => onMessage(e.data);
  worker.onerror = (e) => {
    showError(`The page's worker failed: ${e.message}`);
    setState('error');
  };
  $('preset').replaceChildren(
    ...Object.keys(PRESETS).map((name) => {
      const option = document.createElement('option');
      option.textContent = name;
      return option;
    }),
  );
  for (const id of ['folder', 'pick-files']) {
    const input = $<HTMLInputElement>(id);
    input.addEventListener('change', () => {
      if (input.files?.length) take(pickedFiles(input.files));
      input.value = '';
    });
  }
  const csv = $<HTMLInputElement>('labels');
  csv.addEventListener('change', () => {
    const file = csv.files?.[0];
    csv.value = '';
    if (!file) return;
    file.text().then(
      (text) => setLabels({ name: file.name, size: file.size, text }),
      (err: unknown) => showError(`${file.name}: cannot be read (${errorText(err)})`),
    );
  });
  $('no-labels').addEventListener('click', () => setLabels(undefined));
  acceptDrops($('drop'), take, showError);
  $('train').addEventListener('click', startTraining);
  startHeatMapControls();
  $('stop').addEventListener('click', () => send({ type: 'stop' }));
  $('resume').addEventListener('click', () => {
    if (!resumable) return;
    send({ type: 'resume', runId: resumable });
    setState('training');
  });
  $('discard').addEventListener('click', () => resumable && send({ type: 'discard', runId: resumable }));
  setState('ready');
  send({ type: 'init', runId: tabRun.get() });
}

start();
