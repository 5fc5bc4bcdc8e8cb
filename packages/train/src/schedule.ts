/** A learning-rate schedule: the rate used for optimizer step `step` (0-based, like Keras iterations). */
export type LrSchedule = ((step: number) => number) & { config?: Record<string, unknown> };

/** keras.optimizers.schedules.ExponentialDecay's settings. */
export interface ExponentialDecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  decayRate: number;
  staircase?: boolean;
}

/**
 * keras.optimizers.schedules.ExponentialDecay: lr = initial * rate^(step / decaySteps), with the exponent
 * floored when staircase is set.
 */
export function exponentialDecay(opts: ExponentialDecayOptions): LrSchedule {
  const { initialLearningRate, decaySteps, decayRate } = opts;
  if (!(initialLearningRate > 0)) throw new RangeError(`exponentialDecay: initialLearningRate must be > 0`);
  if (!(decaySteps > 0)) throw new RangeError(`exponentialDecay: decaySteps must be > 0`);
  if (!(decayRate > 0)) throw new RangeError(`exponentialDecay: decayRate must be > 0`);
  const schedule = (step: number): number => {
    const p = step / decaySteps;
    return initialLearningRate * decayRate ** (opts.staircase ? Math.floor(p) : p);
  };
  return Object.assign(schedule, {
    config: {
      name: 'ExponentialDecay',
      initialLearningRate,
      decaySteps,
      decayRate,
      staircase: !!opts.staircase,
    },
  });
}

/** The seed's schedule: ExponentialDecay(1e-4, decay_steps=100000, decay_rate=0.96, staircase=True). */
export const seedLrSchedule: LrSchedule = exponentialDecay({
  initialLearningRate: 1e-4,
  decaySteps: 100_000,
  decayRate: 0.96,
  staircase: true,
});

export function constantLr(lr: number): LrSchedule {
  return Object.assign(() => lr, { config: { name: 'Constant', learningRate: lr } });
}
