import { describe, expect, it } from 'vitest';
import { quantiles, windowedHuStats } from './scan-stats.js';

describe('windowedHuStats', () => {
  it('maps the [0, 1] values back to HU: mean and population std', () => {
    // 0 and 1 of the seed window are -1000 and 400 HU: mean -300, std 700.
    const s = windowedHuStats(new Float32Array([0, 1, 0, 1]));
    expect(s.mean).toBeCloseTo(-300, 4);
    expect(s.std).toBeCloseTo(700, 4);
    expect(windowedHuStats(new Float32Array([0.5, 0.5]), { min: 0, max: 100 })).toEqual({ mean: 50, std: 0 });
  });
});

describe('quantiles', () => {
  it("interpolates as numpy's default", () => {
    // numpy.quantile(range(11), [0, .05, .5, .95, 1]) = [0, 0.5, 5, 9.5, 10]
    expect(quantiles([10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0])).toEqual({
      min: 0,
      q05: 0.5,
      q50: 5,
      q95: 9.5,
      max: 10,
    });
    expect(quantiles([3])).toEqual({ min: 3, q05: 3, q50: 3, q95: 3, max: 3 });
    expect(() => quantiles([])).toThrow('no values');
  });
});
