// @ts-check
// Reads the events the page receives: @ct3d/train's TrainEvents (live, or replayed from events.jsonl), the
// events the server rebuilds from history.json + metrics.json, and evaluations. Only the fields those
// producers emit are read; every number is checked, since a run folder may hold anything.

/** @typedef {import('@ct3d/train').TrainEvent} TrainEvent */
/** @typedef {import('@ct3d/train').RunStartEvent} RunStartEvent */
/** @typedef {import('@ct3d/train').BatchEndEvent} BatchEndEvent */
/** @typedef {import('@ct3d/train').EpochEndEvent} EpochEndEvent */
/** @typedef {import('../src/events.js').ReplayedEvent} ReplayedEvent */
/** @typedef {import('../src/events.js').ReplayedEpochEnd} ReplayedEpochEnd */
/** @typedef {import('../src/events.js').RunErrorEvent} RunErrorEvent */
/**
 * A run's owner may send `{type: 'evaluation', ...await evaluate(model, batches)}` (@ct3d/train).
 * @typedef {{type: 'evaluation'} & import('@ct3d/train').Evaluation} EvaluationEvent
 */
/** @typedef {TrainEvent | ReplayedEvent | EvaluationEvent | RunErrorEvent} PageEvent */
/** @typedef {{id: string, label: number, prob: number}} Prediction */
/** @typedef {import('@ct3d/train/metrics').Confusion} Confusion */

/**
 * `source[key]` when it is a finite number, else undefined.
 * @template {object} T
 * @param {T | null | undefined} source
 * @param {keyof T} key
 * @returns {number | undefined}
 */
export function num(source, key) {
  const v = source?.[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** @param {BatchEndEvent} e */
export function stepFields(e) {
  const ms = num(e, 'ms');
  const size = num(e, 'size');
  return {
    loss: num(e, 'loss'),
    acc: num(e, 'acc'),
    lr: num(e, 'lr'),
    // The trainer reports batch size and step time; scans/s follows from them.
    scansPerSec: size !== undefined && ms ? (size * 1000) / ms : undefined,
    waitMs: num(e, 'waitMs'),
    computeMs: num(e, 'computeMs'),
    ms,
    queueDepth: num(e, 'queueDepth'),
    /** 0..1 (absent when the batch source does not say). */
    poolUtilization: num(e, 'poolUtilization'),
  };
}

/**
 * An epoch's numbers under the trainer's names; a replayed history.json epoch has them in `logs`.
 * @param {EpochEndEvent | ReplayedEpochEnd} e
 * @returns {Partial<EpochEndEvent> | Record<string, number>}
 */
function epochValues(e) {
  return 'logs' in e && typeof e.logs === 'object' && e.logs !== null ? e.logs : e;
}

/** @param {EpochEndEvent | ReplayedEpochEnd} e */
export function epochFields(e) {
  const v = epochValues(e);
  return {
    loss: num(v, 'loss'),
    acc: num(v, 'acc'),
    valLoss: num(v, 'val_loss'),
    valAcc: num(v, 'val_acc'),
    auc: num(v, 'val_auc'),
    sensitivity: num(v, 'val_sensitivity'),
    specificity: num(v, 'val_specificity'),
    lr: num(v, 'lr'),
  };
}

/**
 * The epoch's value of a metric named at run time (the early-stopping monitor, e.g. val_acc).
 * @param {EpochEndEvent | ReplayedEpochEnd} e
 * @param {string} name
 */
export function epochMetric(e, name) {
  const v = Object.entries(epochValues(e)).find(([k]) => k === name)?.[1];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/**
 * A binary result's validation numbers: what the trainer computed for an epoch (epochEnd), an evaluation,
 * or the best (else last) epoch of a replayed run's metrics.json. The page recomputes none of them.
 * @typedef {{confusion: Confusion, auc?: number, sensitivity?: number, specificity?: number}} BinaryResult
 */

/** @param {unknown} c @returns {c is Confusion} */
function isConfusion(c) {
  if (typeof c !== 'object' || c === null) return false;
  const counts = /** @type {Partial<Record<keyof Confusion, unknown>>} */ (c);
  return [counts.tn, counts.fp, counts.fn, counts.tp].every(Number.isFinite);
}

/**
 * The trainer's binary validation result an event carries, or null.
 * @param {PageEvent} e
 * @returns {BinaryResult | null}
 */
export function binaryResultOf(e) {
  if (e.type === 'epochEnd' && !('logs' in e)) return epochResult(e);
  if (e.type === 'evaluation' && !('perClass' in e) && isConfusion(e.confusion)) {
    const { confusion } = e;
    return {
      confusion,
      auc: num(e, 'auc'),
      sensitivity: num(e, 'sensitivity'),
      specificity: num(e, 'specificity'),
    };
  }
  if (e.type === 'runEnd' && 'metrics' in e) {
    // metrics.json as @ct3d/train's RunRecorder writes it: the best and last epochs' epochEnd fields.
    const doc = /** @type {{best?: Partial<EpochEndEvent> | null, last?: Partial<EpochEndEvent> | null}} */ (
      e.metrics
    );
    return epochResult(doc.best ?? doc.last);
  }
  return null;
}

/** @param {Partial<EpochEndEvent> | null | undefined} e @returns {BinaryResult | null} */
function epochResult(e) {
  if (!e || !isConfusion(e.confusion)) return null;
  return {
    confusion: e.confusion,
    auc: num(e, 'val_auc'),
    sensitivity: num(e, 'val_sensitivity'),
    specificity: num(e, 'val_specificity'),
  };
}

/**
 * Per-scan probabilities of class 1 an event carries: epochEnd.predictions, or a binary evaluation's
 * probabilities / labels / ids.
 * @param {PageEvent} e
 * @returns {Prediction[] | null}
 */
export function predictionsOf(e) {
  /** @type {Prediction[] | undefined} */
  let list;
  if (e.type === 'epochEnd' && 'predictions' in e) list = e.predictions;
  else if (e.type === 'evaluation' && !('perClass' in e) && Array.isArray(e.probabilities)) {
    const { ids, labels } = e;
    list = e.probabilities.map((prob, i) => ({
      id: String(ids?.[i] ?? i),
      label: Number(labels?.[i]),
      prob: Number(prob),
    }));
  }
  if (!Array.isArray(list)) return null;
  return list.filter((p) => Number.isFinite(p?.label) && Number.isFinite(p?.prob));
}

/**
 * A multi-class epoch's k x k confusion matrix (rows true, columns predicted), when it carries one.
 * @param {EpochEndEvent} e
 * @returns {number[][] | null}
 */
export function matrixOf(e) {
  const m = e.confusionMatrix;
  const ok = Array.isArray(m) && m.length > 0 && m.every((r) => Array.isArray(r) && r.length === m.length);
  return ok && m.flat().every(Number.isFinite) ? m : null;
}

/**
 * The early-stopping rule of runStart.settings.earlyStopping (as fit() echoes it), with @ct3d/train's
 * defaults (val_acc, patience 15, Keras' auto mode); null when the run turned it off.
 * @param {RunStartEvent} start
 * @returns {{monitor: string, patience: number, mode: 'min' | 'max'} | null}
 */
export function earlyStopRule(start) {
  const es =
    /** @type {{monitor?: unknown, patience?: unknown, mode?: unknown} | false | null | undefined} */ (
      start.settings?.earlyStopping
    );
  if (es === false) return null;
  const monitor = typeof es?.monitor === 'string' ? es.monitor : 'val_acc';
  const patience = typeof es?.patience === 'number' && Number.isFinite(es.patience) ? es.patience : 15;
  const auto = /acc|auc|sensitivity|specificity|precision|recall/.test(monitor) ? 'max' : 'min';
  const mode = es?.mode === 'min' || es?.mode === 'max' ? es.mode : auto;
  return { monitor, patience, mode };
}

/** @param {number} ms */
export function formatDuration(ms) {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m ${s % 60}s` : `${s}s`;
}

/** @param {unknown} v @param {number} [digits] */
export const fmt = (v, digits = 4) =>
  typeof v === 'number' && Number.isFinite(v) ? Number(v.toPrecision(digits)).toString() : '–';
