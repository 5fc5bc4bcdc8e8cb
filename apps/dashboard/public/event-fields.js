// Reads the trainer's events. Field names follow @ct3d/train where known, with Keras-style aliases, and
// values may sit on the event itself or in its `logs` / `metrics` / `timing` objects.

export function num(e, ...keys) {
  for (const key of keys) {
    for (const src of [e, e?.logs, e?.metrics, e?.timing, e?.settings, e?.config]) {
      const v = src?.[key];
      if (typeof v === 'number' && Number.isFinite(v)) return v;
    }
  }
  return undefined;
}

export function stepFields(e) {
  const stepMs = num(e, 'ms', 'stepMs', 'durationMs');
  const size = num(e, 'size', 'batchSize');
  return {
    loss: num(e, 'loss'),
    acc: num(e, 'acc', 'accuracy', 'binaryAccuracy'),
    lr: num(e, 'lr', 'learningRate'),
    // @ct3d/train reports batch size and step time; scans/s follows from them.
    scansPerSec:
      num(e, 'scansPerSec', 'samplesPerSec') ?? (size && stepMs ? (size * 1000) / stepMs : undefined),
    waitMs: num(e, 'waitMs', 'dataWaitMs'),
    computeMs: num(e, 'computeMs', 'trainMs'),
    stepMs,
    queueDepth: num(e, 'queueDepth', 'prefetchDepth'),
    poolUtil: num(e, 'poolUtilization', 'workerUtilization', 'poolBusy'),
  };
}

export const epochFields = (e) => ({
  loss: num(e, 'loss'),
  acc: num(e, 'acc', 'accuracy'),
  valLoss: num(e, 'val_loss', 'valLoss'),
  valAcc: num(e, 'val_acc', 'valAcc', 'val_accuracy'),
  auc: num(e, 'val_auc', 'valAuc', 'auc'),
  sensitivity: num(e, 'val_sensitivity', 'valSensitivity', 'sensitivity'),
  specificity: num(e, 'val_specificity', 'valSpecificity', 'specificity'),
  lr: num(e, 'lr', 'learningRate'),
});

/**
 * Predictions as [{id, label, prob}] from any event or document that carries them: a `predictions` list,
 * or @ct3d/train's Evaluation arrays (probabilities, labels, ids).
 */
export function predictionsOf(e) {
  if (Array.isArray(e?.probabilities) && Array.isArray(e?.labels)) {
    return e.probabilities
      .map((prob, i) => ({ id: String(e.ids?.[i] ?? i), label: Number(e.labels[i]), prob: Number(prob) }))
      .filter((p) => Number.isFinite(p.label) && Number.isFinite(p.prob));
  }
  const list = e?.predictions ?? e?.metrics?.predictions;
  if (!Array.isArray(list)) return null;
  return list
    .map((p) => ({
      id: String(p.id ?? p.scan ?? ''),
      label: Number(p.label ?? p.y ?? p.trueLabel),
      prob: Number(p.prob ?? p.probability ?? p.p ?? p.score),
    }))
    .filter((p) => Number.isFinite(p.label) && Number.isFinite(p.prob));
}

/** Confusion counts an event carries: @ct3d/train's epochEnd.confusion, or metrics.json's best/last. */
export function confusionOf(e) {
  const c = e?.confusion ?? e?.metrics?.best?.confusion ?? e?.metrics?.last?.confusion;
  return c && ['tn', 'fp', 'fn', 'tp'].every((k) => Number.isFinite(c[k])) ? c : null;
}

/** A multi-class epoch's k x k confusion matrix (rows true, columns predicted), when it carries one. */
export function matrixOf(e) {
  const m = e?.confusionMatrix;
  const ok = Array.isArray(m) && m.length > 0 && m.every((r) => Array.isArray(r) && r.length === m.length);
  return ok && m.flat().every((n) => Number.isFinite(n)) ? m : null;
}

/** Counts at `threshold` with Keras' rule p > threshold is class 1. */
export function confusion(preds, threshold = 0.5) {
  const m = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (const p of preds) {
    const yes = p.prob > threshold;
    if (p.label === 1) yes ? m.tp++ : m.fn++;
    else yes ? m.fp++ : m.tn++;
  }
  return m;
}

/** The early-stopping rule from runStart.settings; @ct3d/train's default when it echoes none. */
export function earlyStopRule(start) {
  const es = start?.settings?.earlyStopping ?? start?.earlyStopping;
  if (es === false) return null;
  const monitor = typeof es?.monitor === 'string' ? es.monitor : 'val_acc';
  const patience = Number.isFinite(es?.patience) ? es.patience : 15;
  const mode = es?.mode === 'min' || es?.mode === 'max' ? es.mode : /loss/.test(monitor) ? 'min' : 'max';
  return { monitor, patience, mode };
}

/** ROC points (fpr, tpr) sweeping the threshold over every distinct score, and the trapezoid AUC. */
export function roc(preds) {
  const pos = preds.filter((p) => p.label === 1).length;
  const neg = preds.length - pos;
  if (pos === 0 || neg === 0) return null;
  const sorted = [...preds].sort((a, b) => b.prob - a.prob);
  const fpr = [0];
  const tpr = [0];
  let tp = 0;
  let fp = 0;
  sorted.forEach((p, i) => {
    if (p.label === 1) tp++;
    else fp++;
    if (i === sorted.length - 1 || sorted[i + 1].prob !== p.prob) {
      fpr.push(fp / neg);
      tpr.push(tp / pos);
    }
  });
  let auc = 0;
  for (let i = 1; i < fpr.length; i++) auc += ((fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1])) / 2;
  return { fpr, tpr, auc };
}

export function formatDuration(ms) {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m ${s % 60}s` : `${s}s`;
}

export const fmt = (v, digits = 4) =>
  typeof v === 'number' && Number.isFinite(v) ? Number(v.toPrecision(digits)).toString() : '–';
