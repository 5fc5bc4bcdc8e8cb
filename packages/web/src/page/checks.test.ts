// The page's trust checks in Node: the same functions the page runs on its manifest and each scan.
import { describe, expect, it } from 'vitest';
import type { WebManifest } from '../manifest.js';
import { runFactsText, runWarnings, scanWarnings } from './checks.js';

const q = (min: number, q05: number, q50: number, q95: number, max: number) => ({ min, q05, q50, q95, max });
const trainingSet = {
  scans: 40,
  sourceShape: {
    min: [256, 256, 40] as [number, number, number],
    max: [512, 512, 120] as [number, number, number],
  },
  huMean: q(-700, -680, -600, -560, -500),
  huStd: q(380, 390, 420, 440, 460),
};

function manifest(auc: number | null): WebManifest {
  return {
    format: 'ct3d-web-1',
    run: 'r',
    checkpoint: 'best',
    inputSize: [64, 64, 48],
    head: 'sigmoid',
    classNames: ['normal', 'abnormal'],
    huWindow: { min: -1000, max: 400 },
    maxScanBytes: 1,
    validation:
      auc === null
        ? null
        : { epoch: 7, scans: 60, auc, sensitivity: 0.9, specificity: 0.8125, threshold: 0.5 },
    trainingScans: 140,
    trainingSet,
  };
}

describe("the run's facts and warnings", () => {
  it('say the validation AUC, sensitivity, specificity, threshold and training set size', () => {
    expect(runFactsText(manifest(0.9134))).toBe(
      'Validation (60 scans, epoch 7): AUC 0.913, sensitivity 90.0 % and specificity 81.3 % at threshold 0.5; trained on 140 scans.',
    );
    expect(runFactsText(manifest(null))).toBe(
      'Trained on 140 scans; the run recorded no validation results.',
    );
  });

  it('warn below an AUC of 0.6 and without one, not at 0.6 or above', () => {
    expect(runWarnings(manifest(0.5057))).toEqual([
      "This run's validation AUC is 0.506 (below 0.6): its answers are close to chance.",
    ]);
    expect(runWarnings(manifest(0.6))).toEqual([]);
    expect(runWarnings(manifest(0.98))).toEqual([]);
    expect(runWarnings(manifest(null))).toHaveLength(1);
  });
});

describe('scanWarnings', () => {
  const like = { shape: [400, 400, 80] as [number, number, number], huMean: -610, huStd: 415 };

  it('says nothing for a scan like the training scans, up to the edges of "far"', () => {
    expect(scanWarnings(like, trainingSet)).toEqual([]);
    // Half the smallest extent and twice the largest are still near; the HU mean's range is widened by 120.
    expect(scanWarnings({ ...like, shape: [128, 1024, 20], huMean: -800, huStd: 340 }, trainingSet)).toEqual(
      [],
    );
  });

  it('warns about a shape, an HU mean and an HU std far from them', () => {
    expect(scanWarnings({ ...like, shape: [127, 400, 80] }, trainingSet)).toEqual([
      "The scan's shape 127x400x80 is far from the training scans' (256x256x40 to 512x512x120).",
    ]);
    expect(scanWarnings({ ...like, huMean: -801 }, trainingSet)).toEqual([
      "The scan's HU mean -801 is far from the training scans' (-680 to -560 for 90 % of them).",
    ]);
    expect(scanWarnings({ ...like, huStd: 600 }, trainingSet)).toHaveLength(1);
    expect(scanWarnings(like, null)).toEqual([
      'The run did not record its training scans: whether this scan is like them is unknown.',
    ]);
  });
});
