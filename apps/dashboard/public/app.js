// Dashboard page: picks a run, follows its event stream (SSE with catch-up), and drives the three tabs.
import { compareChart } from './charts.js';
import { createLiveView, escapeHtml } from './live.js';
import { epochFields } from './metrics.js';
import { createScansView } from './scans-view.js';

const $ = (id) => document.getElementById(id);
const live = createLiveView();
const scans = createScansView();
const compare = compareChart($('chart-compare'), 'epoch');
let source = null;
let runs = [];

function setConn(text, cls) {
  $('conn').textContent = text;
  $('conn').className = `badge ${cls}`;
}

/** Follows `run` from its first event; EventSource resends Last-Event-ID on reconnect, so nothing repeats. */
function follow(run) {
  source?.close();
  live.reset();
  const es = new EventSource(`/api/runs/${encodeURIComponent(run)}/events`);
  source = es;
  let received = 0;
  es.onopen = () => setConn('live', 'ok');
  es.onmessage = (m) => {
    received++;
    $('conn').dataset.lastEventId = m.lastEventId;
    $('conn').dataset.received = String(received);
    live.onEvent(JSON.parse(m.data));
  };
  es.addEventListener('end', () => {
    setConn('finished', 'done');
    es.close();
    showImages(run);
  });
  es.onerror = () => setConn('reconnecting…', 'warn');
  showImages(run);
}

async function showImages(run) {
  const box = $('run-images');
  const imgs = [];
  for (const f of ['curves.png', 'montage.png']) {
    const url = `/api/runs/${encodeURIComponent(run)}/files/${f}`;
    const res = await fetch(url, { method: 'HEAD' });
    if (res.ok)
      imgs.push(
        `<figure><figcaption>${f}</figcaption><img src="${url}?t=${Date.now()}" alt="${f}"></figure>`,
      );
  }
  box.innerHTML = imgs.join('') || '<p class="msg">no curves.png / montage.png in this run yet</p>';
}

async function loadRuns() {
  runs = await (await fetch('/api/runs')).json();
  const select = $('run-select');
  const wanted =
    decodeURIComponent(location.hash.slice(1)) || runs.find((r) => r.live)?.name || runs[0]?.name;
  select.innerHTML = runs
    .map(
      (r) => `<option value="${escapeHtml(r.name)}">${escapeHtml(r.name)}${r.live ? ' (live)' : ''}</option>`,
    )
    .join('');
  select.value = wanted ?? '';
  $('run-table').innerHTML = `<tr><th></th><th>run</th><th>source</th><th>events</th><th>state</th></tr>${runs
    .map(
      (r) =>
        `<tr><td><input type="checkbox" value="${escapeHtml(r.name)}" checked></td><td>${escapeHtml(r.name)}</td><td>${r.source}</td><td>${r.events}</td><td>${r.live && !r.finished ? 'running' : 'finished'}</td></tr>`,
    )
    .join('')}`;
  return wanted;
}

async function showCompare() {
  const metric = $('compare-metric').value;
  const key = { val_acc: 'valAcc', val_loss: 'valLoss', acc: 'acc', loss: 'loss', val_auc: 'auc' }[metric];
  const names = [...document.querySelectorAll('#run-table input:checked')].map((c) => c.value);
  const series = await Promise.all(
    names.map(async (name) => {
      const log = await (await fetch(`/api/runs/${encodeURIComponent(name)}/log`)).json();
      const epochs = log.map((s) => s.event).filter((e) => e.type === 'epochEnd');
      return {
        name,
        x: epochs.map((e, i) => e.epoch ?? i + 1),
        y: epochs.map((e) => epochFields(e)[key] ?? null),
      };
    }),
  );
  compare.show(series);
}

function showTab(name) {
  for (const b of document.querySelectorAll('nav button'))
    b.classList.toggle('active', b.dataset.tab === name);
  for (const t of document.querySelectorAll('.tab')) t.classList.toggle('active', t.id === `tab-${name}`);
  if (name === 'scans') scans.show();
  if (name === 'runs') loadRuns().then(showCompare);
}

for (const b of document.querySelectorAll('nav button'))
  b.addEventListener('click', () => showTab(b.dataset.tab));
$('run-select').addEventListener('change', (ev) => {
  location.hash = encodeURIComponent(ev.target.value);
  follow(ev.target.value);
});
$('compare-metric').addEventListener('change', showCompare);
$('run-table').addEventListener('change', showCompare);

const first = await loadRuns();
if (first) follow(first);
else setConn('no runs', 'warn');
const tab = new URLSearchParams(location.search).get('tab');
if (tab) showTab(tab);
