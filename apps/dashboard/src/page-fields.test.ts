// The page's event readers (public/event-fields.js, public/roc-curve.js) run in Node too: they touch no DOM.
import type { EpochEndEvent } from '@ct3d/train';
import { binaryMetrics, youdenThreshold } from '@ct3d/train/metrics';
import { describe, expect, it } from 'vitest';
import {
  binaryResultOf,
  epochFields,
  epochMetric,
  predictionsOf,
  stepFields,
} from '../public/event-fields.js';
import { markOnCurve, pointAtThreshold, rocPoints, youdenPoint } from '../public/roc-curve.js';
import { eventsFromHistory } from './events.js';
import { fakeEvaluation, fakeStepEvents } from './test-helpers.js';

const [step, epoch] = fakeStepEvents(4, 4);

describe('the page reads the fields the producers emit', () => {
  it('a batchEnd: scans/s from size and ms, pool use as sent (0..1)', () => {
    if (step.type !== 'batchEnd') throw new Error('expected a batchEnd first');
    const f = stepFields({ ...step, size: 4, ms: 500, poolUtilization: 0.25 });
    expect(f).toMatchObject({ scansPerSec: 8, ms: 500, poolUtilization: 0.25, waitMs: step.waitMs });
    expect(f.lr).toBe(step.lr);
  });

  it('an epochEnd and its history.json replay give the same epoch fields', () => {
    if (epoch.type !== 'epochEnd') throw new Error('expected an epochEnd second');
    const { type: _type, epoch: _n, ...values } = epoch;
    const history = Object.fromEntries(
      Object.entries(values)
        .filter((kv): kv is [string, number] => typeof kv[1] === 'number')
        .map(([k, v]) => [k, [v]]),
    );
    const replayed = eventsFromHistory(history, undefined)[1];
    if (replayed.type !== 'epochEnd') throw new Error('expected a replayed epochEnd');
    expect(epochFields(replayed)).toEqual(epochFields(epoch));
    expect(epochFields(epoch)).toMatchObject({ valAcc: epoch.val_acc, auc: epoch.val_auc });
    expect(epochMetric(replayed, 'val_acc')).toBe(epoch.val_acc);
  });

  it('validation results are the trainer’s own numbers, from epochEnd, evaluation and metrics.json', () => {
    if (epoch.type !== 'epochEnd') throw new Error('expected an epochEnd second');
    expect(binaryResultOf(epoch)).toEqual({
      confusion: epoch.confusion,
      auc: epoch.val_auc,
      sensitivity: epoch.val_sensitivity,
      specificity: epoch.val_specificity,
    });
    const m = binaryMetrics(fakeEvaluation.labels, fakeEvaluation.probabilities);
    expect(binaryResultOf(fakeEvaluation)).toEqual({
      confusion: m.confusion,
      auc: m.auc,
      sensitivity: m.sensitivity,
      specificity: m.specificity,
    });
    const best: Partial<EpochEndEvent> = { confusion: { tn: 1, fp: 0, fn: 2, tp: 3 }, val_auc: 0.9 };
    const end = eventsFromHistory({ acc: [0.5] }, { best, last: null }).at(-1);
    expect(end && binaryResultOf(end)).toEqual({
      confusion: best.confusion,
      auc: 0.9,
      sensitivity: undefined,
      specificity: undefined,
    });
    // A metrics.json from elsewhere, or a hostile one, is no result.
    for (const metrics of [{ auc: 0.8 }, { best: 'x' }, { best: { confusion: { tn: '1' } } }, []]) {
      const other = eventsFromHistory({}, metrics).at(-1);
      expect(other && binaryResultOf(other)).toBeNull();
    }
  });

  it('per-scan predictions: an evaluation’s arrays, and nothing from a multi-class evaluation', () => {
    expect(predictionsOf(fakeEvaluation)?.slice(0, 2)).toEqual([
      { id: 'normal-1', label: 0, prob: 0.2 },
      { id: 'normal-2', label: 0, prob: 0.6 },
    ]);
    const multi = { ...fakeEvaluation, perClass: [] };
    expect(predictionsOf(multi as unknown as typeof fakeEvaluation)).toBeNull();
  });
});

describe('rocPoints', () => {
  it('sweeps every distinct probability from (0, 0) to (1, 1); its trapezoid area is the trainer’s AUC', () => {
    const preds = predictionsOf(fakeEvaluation) ?? [];
    const r = rocPoints(preds);
    expect(r).toEqual({ fpr: [0, 0, 0, 0.5, 0.5, 1], tpr: [0, 1 / 3, 2 / 3, 2 / 3, 1, 1] });
    let area = 0;
    for (let i = 1; i < (r?.fpr.length ?? 0); i++) {
      area += ((r!.fpr[i] - r!.fpr[i - 1]) * (r!.tpr[i] + r!.tpr[i - 1])) / 2;
    }
    expect(area).toBeCloseTo(fakeEvaluation.auc, 12);
    expect(rocPoints(preds.filter((p) => p.label === 1))).toBeNull();
  });
});

describe('the ROC curve marks', () => {
  it("puts the run's threshold and Youden's J threshold on vertices of the curve, as @ct3d/train chooses it", () => {
    const preds = predictionsOf(fakeEvaluation) ?? [];
    const roc = rocPoints(preds);
    if (!roc) throw new Error('no ROC');
    const chosen = pointAtThreshold(preds, 0.5);
    expect(chosen).toEqual({ threshold: 0.5, fpr: 0.5, tpr: 2 / 3 });
    expect(markOnCurve(roc, chosen)).toEqual([null, null, null, 2 / 3, null, null]);
    const youden = youdenPoint(preds);
    const fromTrain = youdenThreshold(fakeEvaluation.labels, fakeEvaluation.probabilities);
    expect(youden?.threshold).toBe(fromTrain.threshold);
    expect(youden?.threshold).toBeCloseTo((0.6 + 0.7) / 2, 15);
    expect([youden?.fpr, youden?.tpr]).toEqual([0, 2 / 3]);
    expect(markOnCurve(roc, youden ?? chosen)).toEqual([null, null, 2 / 3, null, null, null]);
    expect(youdenPoint(preds.filter((p) => p.label === 1))).toBeNull();
  });
});
