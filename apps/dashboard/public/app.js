// @ts-check
// Dashboard page: picks a run, follows its event stream (SSE with catch-up), and drives the three tabs.
import { compareChart } from './charts.js';
import { byId, elementById, escapeHtml } from './dom.js';
import { epochFields, num } from './event-fields.js';
import { createLiveView } from './live.js';
import { createScansView } from './scans-view.js';

/** @typedef {import('./event-fields.js').PageEvent} PageEvent */
/** @typedef {import('../src/runs.js').RunSummary} RunSummary */
/** @typedef {import('../src/events.js').StoredEvent & {event: PageEvent}} LoggedEvent */

const live = createLiveView();
const scans = createScansView();
const compare = compareChart(byId('chart-compare'), 'epoch');
/** @type {EventSource | null} */
let source = null;

/** @param {string} text @param {string} cls */
function setConn(text, cls) {
  byId('conn').textContent = text;
  byId('conn').className = `badge ${cls}`;
}

/**
 * Follows `run` from its first event; EventSource resends Last-Event-ID on reconnect, so nothing repeats.
 * @param {string} run
 */
function follow(run) {
  source?.close();
  live.reset();
  const es = new EventSource(`/api/runs/${encodeURIComponent(run)}/events`);
  source = es;
  let received = 0;
  es.onopen = () => setConn('live', 'ok');
  es.onmessage = (m) => {
    received++;
    byId('conn').dataset.lastEventId = m.lastEventId;
    byId('conn').dataset.received = String(received);
    live.onEvent(/** @type {PageEvent} */ (JSON.parse(m.data)));
  };
  es.addEventListener('end', () => {
    setConn('finished', 'done');
    live.finish();
    es.close();
    showImages(run);
  });
  es.onerror = () => setConn('reconnecting…', 'warn');
  showImages(run);
}

/** @param {string} run */
async function showImages(run) {
  const imgs = [];
  for (const f of ['curves.png', 'montage.png']) {
    const url = `/api/runs/${encodeURIComponent(run)}/files/${f}`;
    const res = await fetch(url, { method: 'HEAD' });
    if (res.ok)
      imgs.push(
        `<figure><figcaption>${f}</figcaption><img src="${url}?t=${Date.now()}" alt="${f}"></figure>`,
      );
  }
  byId('run-images').innerHTML =
    imgs.join('') || '<p class="msg">no curves.png / montage.png in this run yet</p>';
}

async function loadRuns() {
  /** @type {RunSummary[]} */
  const runs = await (await fetch('/api/runs')).json();
  const select = elementById('run-select', HTMLSelectElement);
  const wanted =
    decodeURIComponent(location.hash.slice(1)) || runs.find((r) => r.live)?.name || runs[0]?.name;
  select.innerHTML = runs
    .map(
      (r) => `<option value="${escapeHtml(r.name)}">${escapeHtml(r.name)}${r.live ? ' (live)' : ''}</option>`,
    )
    .join('');
  select.value = wanted ?? '';
  byId('run-table').innerHTML =
    `<tr><th></th><th>run</th><th>source</th><th>events</th><th>state</th><th>in-browser diagnosis</th></tr>${runs
      .map(
        (r) =>
          `<tr><td><input type="checkbox" value="${escapeHtml(r.name)}" checked></td><td>${escapeHtml(r.name)}</td><td>${r.source}</td><td>${r.events}</td><td>${r.live && !r.finished ? 'running' : 'finished'}</td><td><a href="/runs/${encodeURIComponent(r.name)}/predict/" target="_blank" rel="noopener">drop a scan</a></td></tr>`,
      )
      .join('')}`;
  return wanted;
}

/**
 * Each cross-validation run's folds.json (`ct3d train --folds`): one row per run, mean ± std per metric.
 */
async function showFolds() {
  /** @type {import('../src/runs.js').FoldsSummary[]} */
  const folds = await (await fetch('/api/folds')).json();
  byId('folds').hidden = folds.length === 0;
  const metrics = [...new Set(folds.flatMap((f) => Object.keys(f.mean)))].sort();
  const head = `<tr><th>run</th><th>folds</th>${metrics.map((m) => `<th>${escapeHtml(m)}</th>`).join('')}</tr>`;
  const rows = folds.map((f) => {
    const done = `${f.finished} of ${f.folds}${f.missing.length ? ` (missing ${f.missing.join(', ')})` : ''}`;
    const cells = f.error
      ? `<td colspan="${metrics.length + 1}" class="bad">${escapeHtml(f.error)}</td>`
      : `<td>${done}</td>${metrics
          .map((m) =>
            m in f.mean
              ? `<td data-metric="${escapeHtml(m)}">${f.mean[m].toFixed(4)} ± ${f.std[m].toFixed(4)}</td>`
              : '<td>–</td>',
          )
          .join('')}`;
    return `<tr data-run="${escapeHtml(f.run)}"><td>${escapeHtml(f.run)}</td>${cells}</tr>`;
  });
  byId('folds-table').innerHTML = head + rows.join('');
}

/** The Runs tab's metric choices (history names) and the epoch field each one is. */
const COMPARED = /** @type {const} */ ({
  val_acc: 'valAcc',
  val_loss: 'valLoss',
  acc: 'acc',
  loss: 'loss',
  val_auc: 'auc',
});

async function showCompare() {
  const metric = elementById('compare-metric', HTMLSelectElement).value;
  if (!Object.hasOwn(COMPARED, metric)) return;
  const key = COMPARED[/** @type {keyof typeof COMPARED} */ (metric)];
  const names = [...document.querySelectorAll('#run-table input:checked')]
    .filter((c) => c instanceof HTMLInputElement)
    .map((c) => c.value);
  const series = await Promise.all(
    names.map(async (name) => {
      /** @type {LoggedEvent[]} */
      const log = await (await fetch(`/api/runs/${encodeURIComponent(name)}/log`)).json();
      const epochs = log.map((s) => s.event).filter((e) => e.type === 'epochEnd');
      return {
        name,
        x: epochs.map((e, i) => num(e, 'epoch') ?? i + 1),
        y: epochs.map((e) => epochFields(e)[key] ?? null),
      };
    }),
  );
  compare.show(series);
}

/** @param {string} name */
function showTab(name) {
  for (const b of document.querySelectorAll('nav button'))
    if (b instanceof HTMLElement) b.classList.toggle('active', b.dataset.tab === name);
  for (const t of document.querySelectorAll('.tab')) t.classList.toggle('active', t.id === `tab-${name}`);
  if (name === 'scans') scans.show();
  if (name === 'runs') loadRuns().then(showCompare).then(showFolds);
}

for (const b of document.querySelectorAll('nav button'))
  if (b instanceof HTMLElement) b.addEventListener('click', () => showTab(b.dataset.tab ?? 'live'));
const runSelect = elementById('run-select', HTMLSelectElement);
runSelect.addEventListener('change', () => {
  location.hash = encodeURIComponent(runSelect.value);
  follow(runSelect.value);
});
byId('compare-metric').addEventListener('change', showCompare);
byId('run-table').addEventListener('change', showCompare);

const first = await loadRuns();
if (first) follow(first);
else setConn('no runs', 'warn');
const tab = new URLSearchParams(location.search).get('tab');
if (tab) showTab(tab);
