// The Live tab: turns a run's events into charts, stat cards and the predictions panel.
import { lineChart } from './charts.js';
import {
  confusion,
  confusionOf,
  earlyStopRule,
  epochFields,
  fmt,
  formatDuration,
  matrixOf,
  num,
  predictionsOf,
  roc,
  stepFields,
} from './metrics.js';

const $ = (id) => document.getElementById(id);

export function createLiveView() {
  const charts = {
    stepLoss: lineChart($('chart-step-loss'), 'step', ['loss']),
    stepAcc: lineChart($('chart-step-acc'), 'step', ['acc']),
    epochLoss: lineChart($('chart-epoch-loss'), 'epoch', ['loss', 'val_loss'], { points: true }),
    epochAcc: lineChart($('chart-epoch-acc'), 'epoch', ['acc', 'val_acc'], { points: true }),
    epochAuc: lineChart($('chart-epoch-auc'), 'epoch', ['AUC', 'sensitivity', 'specificity'], {
      points: true,
    }),
    lr: lineChart($('chart-lr'), 'step', ['lr']),
    time: lineChart($('chart-time'), 'step', ['data wait', 'compute']),
    pipe: lineChart($('chart-pipe'), 'step', ['scans/s', 'queue depth', 'pool use %'], {
      rightScale: { series: 2, label: 'pool use %' },
    }),
  };
  let s;
  const reset = () => {
    s = {
      start: null,
      steps: 0,
      epoch: 0,
      lastStep: {},
      lastEpoch: {},
      best: null,
      stopped: null,
      ended: false,
      stepMs: [],
      epochMs: [],
      epochsDone: 0,
      stepsAtEpochEnd: 0,
      rule: null,
      esBest: null,
      lastEpochNo: 0,
    };
    for (const c of Object.values(charts)) c.clear();
    $('confusion').textContent = 'no validation results yet';
    $('pred-table').replaceChildren();
    renderStats();
  };

  function onStep(e) {
    s.steps++;
    const f = stepFields(e);
    const x = s.steps;
    charts.stepLoss.push(x, [f.loss]);
    charts.stepAcc.push(x, [f.acc]);
    if (f.lr !== undefined) charts.lr.push(x, [f.lr]);
    charts.time.push(x, [f.waitMs, f.computeMs]);
    charts.pipe.push(x, [
      f.scansPerSec,
      f.queueDepth,
      f.poolUtil === undefined ? undefined : f.poolUtil * (f.poolUtil <= 1 ? 100 : 1),
    ]);
    const ms = f.stepMs ?? (f.waitMs ?? 0) + (f.computeMs ?? 0);
    if (ms > 0) s.stepMs = [...s.stepMs.slice(-49), ms];
    s.lastStep = f;
    if (typeof e.epoch === 'number') s.epoch = e.epoch;
  }

  function onEpoch(e) {
    const f = epochFields(e);
    s.epoch = num(e, 'epoch') ?? s.epoch + 1;
    charts.epochLoss.push(s.epoch, [f.loss, f.valLoss]);
    charts.epochAcc.push(s.epoch, [f.acc, f.valAcc]);
    if (f.auc !== undefined || f.sensitivity !== undefined)
      charts.epochAuc.push(s.epoch, [f.auc, f.sensitivity, f.specificity]);
    s.lastEpoch = f;
    s.epochsDone++;
    s.lastEpochNo = s.epoch;
    s.stepsAtEpochEnd = s.steps;
    const ms = num(e, 'ms');
    if (ms !== undefined) s.epochMs.push(ms);
    trackEarlyStop(e);
    const c = confusionOf(e);
    if (c && !s.havePredictions) renderConfusion(c, `epoch ${s.epoch}`);
    const m = matrixOf(e);
    if (!c && m) renderMatrix(m, e.val_per_class, `epoch ${s.epoch}`);
  }

  /** A multi-class run's k x k confusion matrix, with each class's recall and the macro F1. */
  function renderMatrix(m, perClass, when) {
    const name = (i) => escapeHtml(perClass?.[i]?.name ?? String(i));
    const head = m.map((_, j) => `<th>pred ${name(j)}</th>`).join('');
    const rows = m
      .map((row, i) => `<tr><th>true ${name(i)}</th>${row.map((n) => `<td>${n}</td>`).join('')}</tr>`)
      .join('');
    const recalls = Array.isArray(perClass)
      ? ` · recall ${perClass.map((p, i) => `${name(i)} ${fmt(p?.recall, 3)}`).join(', ')}`
      : '';
    $('confusion').innerHTML = `<table class="cm"><tr><th></th>${head}</tr>${rows}</table>
      <p>${escapeHtml(when)}${recalls}</p>`;
  }

  /** Best early-stopping monitor value so far, as Keras' EarlyStopping keeps it. */
  function trackEarlyStop(e) {
    if (!s.rule) return;
    const v = num(e, s.rule.monitor);
    if (v === undefined) return;
    const better = !s.esBest || (s.rule.mode === 'max' ? v > s.esBest.value : v < s.esBest.value);
    if (better) s.esBest = { value: v, epoch: s.epoch };
  }

  function renderConfusion(m, when) {
    $('confusion').innerHTML = `<table class="cm"><tr><th></th><th>pred 0</th><th>pred 1</th></tr>
      <tr><th>true 0</th><td>${m.tn}</td><td>${m.fp}</td></tr><tr><th>true 1</th><td>${m.fn}</td><td>${m.tp}</td></tr></table>
      <p>${escapeHtml(when)} · sensitivity ${fmt(m.tp / (m.tp + m.fn), 3)} · specificity ${fmt(m.tn / (m.tn + m.fp), 3)}</p>`;
  }

  function onCheckpoint(e) {
    if (e.best === false) return;
    s.best = {
      epoch: num(e, 'epoch') ?? s.epoch,
      value: num(e, 'value', 'monitorValue', 'val_acc', 'val_loss'),
      monitor: e.monitor,
    };
    for (const c of [charts.epochLoss, charts.epochAcc]) c.mark(s.best.epoch, `best @${s.best.epoch}`);
  }

  function renderPredictions(preds) {
    if (!preds || preds.length === 0) return;
    s.havePredictions = true;
    renderConfusion(confusion(preds), `${preds.length} predictions`);
    const r = roc(preds);
    if (r) {
      const el = $('chart-roc');
      el.replaceChildren();
      lineChart(el, 'false positive rate', [`ROC (AUC ${fmt(r.auc, 3)})`], {
        points: true,
        height: 220,
        fractionalX: true,
      }).setAll(r.fpr, [r.tpr]);
    }
    const rows = preds
      .map((p) => {
        const pred = p.prob > 0.5 ? 1 : 0;
        const conf = pred === 1 ? p.prob : 1 - p.prob;
        return `<tr class="${pred === p.label ? 'ok' : 'bad'}"><td>${escapeHtml(p.id)}</td><td>${p.label}</td><td>${pred}</td><td>${(conf * 100).toFixed(1)}%</td></tr>`;
      })
      .join('');
    $('pred-table').innerHTML =
      `<table><tr><th>scan</th><th>label</th><th>predicted</th><th>confidence</th></tr>${rows}</table>`;
  }

  function renderStats() {
    const st = s.lastStep;
    const ep = s.lastEpoch;
    const left = s.rule && s.esBest ? s.rule.patience - (s.lastEpochNo - s.esBest.epoch) : undefined;
    const cards = [
      ['epoch', `${s.epoch}${s.start && num(s.start, 'epochs') ? ` / ${num(s.start, 'epochs')}` : ''}`],
      ['step', String(s.steps)],
      ['loss', fmt(st.loss)],
      ['acc', fmt(st.acc)],
      ['val loss', fmt(ep.valLoss)],
      ['val acc', fmt(ep.valAcc)],
      ['AUC', fmt(ep.auc, 3)],
      ['sens / spec', `${fmt(ep.sensitivity, 3)} / ${fmt(ep.specificity, 3)}`],
      ['learning rate', fmt(st.lr ?? ep.lr, 3)],
      ['scans/s', fmt(st.scansPerSec, 3)],
      ['data wait / compute', `${fmt(st.waitMs, 3)} / ${fmt(st.computeMs, 3)} ms`],
      ['prefetch queue', fmt(st.queueDepth, 2)],
      [
        'worker pool',
        st.poolUtil === undefined ? '–' : `${fmt(st.poolUtil * (st.poolUtil <= 1 ? 100 : 1), 3)}%`,
      ],
      ['ETA', s.ended ? 'done' : formatDuration(etaMs())],
      [
        'best checkpoint',
        s.best
          ? `epoch ${s.best.epoch}${s.best.value !== undefined ? ` (${fmt(s.best.value, 3)})` : ''}`
          : '–',
      ],
      [
        'early stop',
        s.stopped
          ? `stopped @${s.stopped}`
          : left !== undefined
            ? `${left} epochs left (${s.rule.monitor})`
            : s.rule
              ? `patience ${s.rule.patience}`
              : 'off',
      ],
    ];
    $('stats').innerHTML = cards
      .map(([k, v]) => `<div class="card"><span>${k}</span><b>${escapeHtml(v)}</b></div>`)
      .join('');
  }

  /** Remaining epochs at the mean epoch time (validation included), less this epoch's steps done. */
  function etaMs() {
    const epochs = num(s.start, 'epochs');
    if (!epochs) return Number.NaN;
    const mean = (a) => (a.length ? a.reduce((x, y) => x + y, 0) / a.length : Number.NaN);
    const stepMs = mean(s.stepMs.slice(-20));
    if (s.epochMs.length > 0) {
      return Math.max(0, (epochs - s.epochsDone) * mean(s.epochMs) - (s.steps - s.stepsAtEpochEnd) * stepMs);
    }
    const perEpoch = num(s.start, 'stepsPerEpoch');
    return perEpoch ? (epochs * perEpoch - s.steps) * stepMs : Number.NaN;
  }

  let statsPending = false;
  const scheduleStats = () => {
    if (statsPending) return;
    statsPending = true;
    requestAnimationFrame(() => {
      statsPending = false;
      renderStats();
    });
  };

  reset();
  return {
    reset,
    onEvent(e) {
      if (e.type === 'runStart') {
        s.start = e;
        s.rule = earlyStopRule(e);
      } else if (e.type === 'batchEnd') onStep(e);
      else if (e.type === 'epochEnd') onEpoch(e);
      else if (e.type === 'checkpoint') onCheckpoint(e);
      else if (e.type === 'earlyStop') s.stopped = num(e, 'epoch') ?? s.epoch;
      else if (e.type === 'runEnd') s.ended = true;
      renderPredictions(predictionsOf(e));
      const c = e.type === 'runEnd' ? confusionOf(e) : null;
      if (c && !s.havePredictions) renderConfusion(c, 'best epoch (metrics.json)');
      scheduleStats();
    },
  };
}

export function escapeHtml(v) {
  return String(v).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
