import { describe, expect, it } from 'vitest';
import { constantLr, exponentialDecay, seedLrSchedule } from './schedule.js';

describe('learning-rate schedules', () => {
  it("is the seed's staircase ExponentialDecay(1e-4, 100000, 0.96)", () => {
    expect(seedLrSchedule(0)).toBe(1e-4);
    expect(seedLrSchedule(99_999)).toBe(1e-4);
    expect(seedLrSchedule(100_000)).toBeCloseTo(0.96e-4, 15);
    expect(seedLrSchedule(250_000)).toBeCloseTo(1e-4 * 0.96 ** 2, 15);
    expect(seedLrSchedule.config).toEqual({
      name: 'ExponentialDecay',
      initialLearningRate: 1e-4,
      decaySteps: 100_000,
      decayRate: 0.96,
      staircase: true,
    });
  });

  it('decays smoothly without staircase', () => {
    const lr = exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 });
    expect(lr(5)).toBeCloseTo(0.1 * 0.5 ** 0.5, 12);
    expect(lr(20)).toBeCloseTo(0.025, 12);
    expect(() => exponentialDecay({ initialLearningRate: 0, decaySteps: 1, decayRate: 0.5 })).toThrow(/> 0/);
  });

  it('has a constant schedule', () => {
    expect(constantLr(0.01)(12345)).toBe(0.01);
  });
});
