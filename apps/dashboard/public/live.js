// @ts-check
// The Live tab: turns a run's events into charts, stat cards and the predictions panel.
import { lineChart } from './charts.js';
import { byId, escapeHtml } from './dom.js';
import {
  binaryResultOf,
  earlyStopRule,
  epochFields,
  epochMetric,
  fmt,
  formatDuration,
  matrixOf,
  num,
  predictionsOf,
  stepFields,
} from './event-fields.js';
import { markOnCurve, pointAtThreshold, rocPoints, youdenPoint } from './roc-curve.js';

/** @typedef {import('./event-fields.js').PageEvent} PageEvent */
/** @typedef {import('./event-fields.js').BinaryResult} BinaryResult */
/** @typedef {import('./event-fields.js').Prediction} Prediction */
/** @typedef {Extract<PageEvent, {type: 'runStart'}>} AnyRunStart */
/** @typedef {Extract<PageEvent, {type: 'epochEnd'}>} AnyEpochEnd */

/**
 * @typedef {object} LiveState
 * @property {AnyRunStart | null} start
 * @property {number} steps
 * @property {number} epoch
 * @property {Partial<ReturnType<typeof stepFields>>} lastStep
 * @property {Partial<ReturnType<typeof epochFields>>} lastEpoch
 * @property {{epoch: number, value: number | undefined} | null} best
 * @property {number | null} stopped
 * @property {boolean} ended
 * @property {number[]} stepMs
 * @property {number[]} epochMs
 * @property {number} epochsDone
 * @property {number} stepsAtEpochEnd
 * @property {ReturnType<typeof earlyStopRule>} rule
 * @property {{value: number, epoch: number} | null} esBest
 * @property {number} lastEpochNo
 * @property {boolean} havePredictions
 * @property {number} threshold the run's decision threshold (runStart.settings.threshold, default 0.5)
 * @property {Map<number, {preds: Prediction[], result: BinaryResult | null}>} epochPredictions each epoch's
 *   validation predictions, so that the ROC panel can show the best epoch's when its checkpoint is saved
 * @property {string | null} rocShown what the ROC panel shows ("epoch 3", "evaluation of 5 scans")
 */

export function createLiveView() {
  const charts = {
    stepLoss: lineChart(byId('chart-step-loss'), 'step', ['loss']),
    stepAcc: lineChart(byId('chart-step-acc'), 'step', ['acc']),
    epochLoss: lineChart(byId('chart-epoch-loss'), 'epoch', ['loss', 'val_loss'], { points: true }),
    epochAcc: lineChart(byId('chart-epoch-acc'), 'epoch', ['acc', 'val_acc'], { points: true }),
    epochAuc: lineChart(byId('chart-epoch-auc'), 'epoch', ['AUC', 'sensitivity', 'specificity'], {
      points: true,
    }),
    lr: lineChart(byId('chart-lr'), 'step', ['lr']),
    time: lineChart(byId('chart-time'), 'step', ['data wait', 'compute']),
    pipe: lineChart(byId('chart-pipe'), 'step', ['scans/s', 'queue depth', 'pool use %'], {
      rightScale: { series: 2, label: 'pool use %' },
    }),
  };
  /** @returns {LiveState} */
  const initial = () => ({
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
    havePredictions: false,
    threshold: 0.5,
    epochPredictions: new Map(),
    rocShown: null,
  });
  /** The one ROC chart (replaced, never stacked, when what it shows changes). */
  /** @type {ReturnType<typeof lineChart> | null} */
  let rocChart = null;
  let s = initial();
  const reset = () => {
    s = initial();
    for (const c of Object.values(charts)) c.clear();
    byId('confusion').textContent = 'no validation results yet';
    byId('pred-table').replaceChildren();
    rocChart?.destroy();
    rocChart = null;
    byId('chart-roc').replaceChildren();
    byId('roc-caption').textContent = '';
    renderStats();
  };

  /** @param {AnyRunStart} e */
  function onStart(e) {
    s.start = e;
    if ('settings' in e) {
      s.rule = earlyStopRule(e);
      const t = e.settings?.threshold;
      if (typeof t === 'number' && Number.isFinite(t)) s.threshold = t;
    }
  }

  /** @param {import('./event-fields.js').BatchEndEvent} e */
  function onStep(e) {
    s.steps++;
    const f = stepFields(e);
    const x = s.steps;
    charts.stepLoss.push(x, [f.loss]);
    charts.stepAcc.push(x, [f.acc]);
    if (f.lr !== undefined) charts.lr.push(x, [f.lr]);
    charts.time.push(x, [f.waitMs, f.computeMs]);
    const poolPercent = f.poolUtilization === undefined ? undefined : f.poolUtilization * 100;
    charts.pipe.push(x, [f.scansPerSec, f.queueDepth, poolPercent]);
    if (f.ms !== undefined && f.ms > 0) s.stepMs = [...s.stepMs.slice(-49), f.ms];
    s.lastStep = f;
    s.epoch = num(e, 'epoch') ?? s.epoch;
  }

  /** @param {AnyEpochEnd} e */
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
    if ('ms' in e) {
      const ms = num(e, 'ms');
      if (ms !== undefined) s.epochMs.push(ms);
    }
    trackEarlyStop(e);
    const m = 'confusionMatrix' in e ? matrixOf(e) : null;
    if (m && 'val_per_class' in e) renderMatrix(m, e.val_per_class, `epoch ${s.epoch}`);
  }

  /**
   * A multi-class run's k x k confusion matrix, with each class's recall.
   * @param {number[][]} m
   * @param {import('@ct3d/train').EpochEndEvent['val_per_class']} perClass
   * @param {string} when
   */
  function renderMatrix(m, perClass, when) {
    /** @param {number} i */
    const name = (i) => escapeHtml(perClass?.[i]?.name ?? String(i));
    const head = m.map((_, j) => `<th>pred ${name(j)}</th>`).join('');
    const rows = m
      .map((row, i) => `<tr><th>true ${name(i)}</th>${row.map((n) => `<td>${n}</td>`).join('')}</tr>`)
      .join('');
    const recalls = Array.isArray(perClass)
      ? ` · recall ${perClass.map((p, i) => `${name(i)} ${fmt(p?.recall, 3)}`).join(', ')}`
      : '';
    byId('confusion').innerHTML = `<table class="cm"><tr><th></th>${head}</tr>${rows}</table>
      <p>${escapeHtml(when)}${recalls}</p>`;
  }

  /**
   * Best early-stopping monitor value so far, as Keras' EarlyStopping keeps it.
   * @param {AnyEpochEnd} e
   */
  function trackEarlyStop(e) {
    if (!s.rule) return;
    const v = epochMetric(e, s.rule.monitor);
    if (v === undefined) return;
    const better = !s.esBest || (s.rule.mode === 'max' ? v > s.esBest.value : v < s.esBest.value);
    if (better) s.esBest = { value: v, epoch: s.epoch };
  }

  /**
   * The trainer's binary confusion counts, sensitivity and specificity.
   * @param {BinaryResult} r
   * @param {string} when
   */
  function renderConfusion(r, when) {
    const { tn, fp, fn, tp } = r.confusion;
    byId('confusion').innerHTML = `<table class="cm"><tr><th></th><th>pred 0</th><th>pred 1</th></tr>
      <tr><th>true 0</th><td>${tn}</td><td>${fp}</td></tr><tr><th>true 1</th><td>${fn}</td><td>${tp}</td></tr></table>
      <p>${escapeHtml(when)} · sensitivity ${fmt(r.sensitivity, 3)} · specificity ${fmt(r.specificity, 3)}</p>`;
  }

  /**
   * The ROC curve (labelled with the trainer's AUC) with the run's threshold and Youden's J threshold marked
   * on it, and the per-scan table.
   * @param {Prediction[]} preds
   * @param {number | undefined} auc
   * @param {string} when which epoch or evaluation they are
   */
  function renderPredictions(preds, auc, when) {
    const r = rocPoints(preds);
    s.rocShown = when;
    byId('roc-caption').textContent = when;
    if (r) {
      const el = byId('chart-roc');
      rocChart?.destroy();
      el.replaceChildren();
      el.dataset.shows = when;
      const chosen = pointAtThreshold(preds, s.threshold);
      const youden = youdenPoint(preds);
      const names = [
        `ROC (AUC ${fmt(auc, 3)})`,
        `threshold ${s.threshold.toFixed(2)} (sens ${chosen.tpr.toFixed(2)}, spec ${(1 - chosen.fpr).toFixed(2)})`,
        ...(youden ? [`Youden's J: threshold ${youden.threshold.toFixed(3)}`] : []),
      ];
      rocChart = lineChart(el, 'false positive rate', names, {
        points: true,
        height: 220,
        fractionalX: true,
      });
      rocChart.setAll(r.fpr, [r.tpr, markOnCurve(r, chosen), ...(youden ? [markOnCurve(r, youden)] : [])]);
    }
    const rows = preds
      .map((p) => {
        const pred = p.prob > s.threshold ? 1 : 0;
        const conf = pred === 1 ? p.prob : 1 - p.prob;
        return `<tr class="${pred === p.label ? 'ok' : 'bad'}"><td>${escapeHtml(p.id)}</td><td>${p.label}</td><td>${pred}</td><td>${(conf * 100).toFixed(1)}%</td></tr>`;
      })
      .join('');
    byId('pred-table').innerHTML =
      `<table><tr><th>scan</th><th>label</th><th>predicted</th><th>confidence</th></tr>${rows}</table>`;
  }

  /**
   * Validation results the event carries: per-scan predictions (ROC + table) and the binary result. Once a
   * run's predictions were shown, a replayed metrics.json summary no longer replaces their confusion.
   * @param {PageEvent} e
   */
  function onResults(e) {
    const result = binaryResultOf(e);
    const preds = predictionsOf(e);
    const withPredictions = preds !== null && preds.length > 0;
    const when =
      e.type === 'epochEnd'
        ? `epoch ${s.epoch}`
        : e.type === 'evaluation'
          ? `evaluation of ${num(e, 'n') ?? preds?.length ?? 0} scans`
          : 'best epoch (metrics.json)';
    if (withPredictions) {
      s.havePredictions = true;
      if (e.type === 'epochEnd') s.epochPredictions.set(s.epoch, { preds, result });
      // Epochs before the first best checkpoint are shown as they come; then the best epoch's stay.
      if (e.type !== 'epochEnd' || s.best === null) renderPredictions(preds, result?.auc, when);
    }
    if (!result || (e.type === 'runEnd' && s.havePredictions)) return;
    renderConfusion(result, when);
  }

  /**
   * A new best checkpoint: the ROC panel shows its epoch's predictions (unless an evaluation is shown).
   * @param {number} epoch
   */
  function showBestEpoch(epoch) {
    const saved = s.epochPredictions.get(epoch);
    if (!saved || s.rocShown?.startsWith('evaluation')) return;
    renderPredictions(saved.preds, saved.result?.auc, `best epoch ${epoch}`);
  }

  function renderStats() {
    const st = s.lastStep;
    const ep = s.lastEpoch;
    const rule = s.rule;
    const left = rule && s.esBest ? rule.patience - (s.lastEpochNo - s.esBest.epoch) : undefined;
    const epochs = s.start ? num(s.start, 'epochs') : undefined;
    /** @type {[string, string][]} */
    const cards = [
      ['epoch', `${s.epoch}${epochs ? ` / ${epochs}` : ''}`],
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
      ['worker pool', st.poolUtilization === undefined ? '–' : `${fmt(st.poolUtilization * 100, 3)}%`],
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
          : s.ended
            ? '–' // a finished run has no epochs left to count
            : left !== undefined && rule
              ? `${left} epochs left (${rule.monitor})`
              : rule
                ? `patience ${rule.patience}`
                : 'off',
      ],
    ];
    byId('stats').innerHTML = cards
      .map(([k, v]) => `<div class="card"><span>${k}</span><b>${escapeHtml(v)}</b></div>`)
      .join('');
  }

  /** Remaining epochs at the mean epoch time (validation included), less this epoch's steps done. */
  function etaMs() {
    const epochs = s.start ? num(s.start, 'epochs') : undefined;
    if (!epochs) return Number.NaN;
    /** @param {number[]} a */
    const mean = (a) => (a.length ? a.reduce((x, y) => x + y, 0) / a.length : Number.NaN);
    const stepMs = mean(s.stepMs.slice(-20));
    if (s.epochMs.length > 0) {
      return Math.max(0, (epochs - s.epochsDone) * mean(s.epochMs) - (s.steps - s.stepsAtEpochEnd) * stepMs);
    }
    const perEpoch = s.start && 'stepsPerEpoch' in s.start ? num(s.start, 'stepsPerEpoch') : undefined;
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
    /** The run's stream ended (a finished run replayed, or the live run done): nothing more is coming. */
    finish() {
      s.ended = true;
      scheduleStats();
    },
    /** @param {PageEvent} e */
    onEvent(e) {
      if (e.type === 'runStart') onStart(e);
      else if (e.type === 'batchEnd') onStep(e);
      else if (e.type === 'epochEnd') onEpoch(e);
      else if (e.type === 'checkpoint') {
        s.best = { epoch: num(e, 'epoch') ?? s.epoch, value: num(e, 'value') };
        for (const c of [charts.epochLoss, charts.epochAcc]) c.mark(s.best.epoch, `best @${s.best.epoch}`);
        showBestEpoch(s.best.epoch);
      } else if (e.type === 'earlyStop') s.stopped = num(e, 'epoch') ?? s.epoch;
      else if (e.type === 'runEnd' || e.type === 'error') s.ended = true;
      onResults(e);
      scheduleStats();
    },
  };
}
