import { describe, expect, it } from 'vitest';
import {
  brierScore,
  candidateThresholds,
  operatingPoints,
  reliabilityTable,
  sensitivityAtSpecificity,
  youdenThreshold,
} from './operating-points.js';

// 5 negatives, 5 positives; one negative scores high (0.7), one positive low (0.35).
const labels = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1];
const probs = [0.1, 0.2, 0.3, 0.4, 0.7, 0.35, 0.6, 0.8, 0.9, 0.95];

describe('operating points', () => {
  it("finds the threshold that maximizes Youden's J, halfway between neighbouring scores", () => {
    expect(candidateThresholds([0.2, 0.2, 0.6])).toEqual([0, 0.4, 1]);
    const y = youdenThreshold(labels, probs);
    // p > 0.5 gives sensitivity 4/5 and specificity 4/5: J 0.6, the best any threshold reaches here.
    expect(y.threshold).toBeCloseTo(0.5, 12);
    expect(y.sensitivity).toBe(0.8);
    expect(y.specificity).toBe(0.8);
    expect(y.j).toBeCloseTo(0.6, 12);
  });

  it('reports the best sensitivity at a required specificity', () => {
    // Specificity 1 needs p > 0.7 (between 0.7 and 0.8): sensitivity 3/5.
    expect(sensitivityAtSpecificity(labels, probs, 0.95)).toEqual({
      threshold: 0.75,
      sensitivity: 0.6,
      specificity: 1,
    });
    // 0.8 specificity allows p > 0.5: sensitivity 4/5.
    expect(sensitivityAtSpecificity(labels, probs, 0.8)?.sensitivity).toBe(0.8);
  });

  it('scores calibration with the Brier score and a reliability table', () => {
    expect(brierScore([0, 1], [0.5, 0.5])).toBe(0.25);
    expect(brierScore([0, 1, 1], [0, 1, 1])).toBe(0);
    const table = reliabilityTable([0, 1, 1, 0], [0.05, 0.92, 0.97, 0.55], 2);
    expect(table).toEqual([
      { lo: 0, hi: 0.5, count: 1, meanPredicted: 0.05, observed: 0 },
      { lo: 0.5, hi: 1, count: 3, meanPredicted: (0.92 + 0.97 + 0.55) / 3, observed: 2 / 3 },
    ]);
    const all = operatingPoints(labels, probs);
    expect(all.reliability.reduce((n, b) => n + b.count, 0)).toBe(10);
    expect(all.positives).toBe(5);
    expect(all.atSpecificity90?.specificity).toBe(1);
    expect(all.ece).toBeGreaterThan(0);
    expect(all.brier).toBeCloseTo(probs.reduce((s, p, i) => s + (p - labels[i]) ** 2, 0) / 10, 12);
  });

  it('refuses one-class or out-of-range input with a clear message', () => {
    expect(() => youdenThreshold([1, 1], [0.2, 0.9])).toThrow(/both classes/);
    expect(() => brierScore([0], [1.2])).toThrow(/probability 0 is 1.2, not in \[0, 1\]/);
  });
});
