// What a preprocessed scan looks like in numbers, to compare a new scan with the scans a model was trained
// on: the mean and standard deviation of its HU inside the model's window (the cache volume and the page's
// preprocessed volume are the same values, so training and the page measure the same thing).
import { SEED_HU_WINDOW } from './normalize-hu.js';

/** A preprocessed scan's mean and standard deviation, in HU. */
export interface WindowedHuStats {
  /** Mean and (population) standard deviation in HU of the windowed scan (values clipped to the window). */
  mean: number;
  std: number;
}

/** The windowed HU mean and std of a preprocessed volume (values in [0, 1] of `window`). */
export function windowedHuStats(
  data: Float32Array,
  window: { min: number; max: number } = SEED_HU_WINDOW,
): WindowedHuStats {
  let sum = 0;
  let sumSq = 0;
  for (const v of data) {
    sum += v;
    sumSq += v * v;
  }
  const n = Math.max(1, data.length);
  const mean = sum / n;
  const variance = Math.max(0, sumSq / n - mean * mean);
  const span = window.max - window.min;
  return { mean: window.min + mean * span, std: Math.sqrt(variance) * span };
}

/** Five quantiles of a sample: its spread, small enough for run.json. */
export interface Quantiles {
  min: number;
  q05: number;
  q50: number;
  q95: number;
  max: number;
}

/** Linear-interpolation quantiles (numpy's default) of `values` (not empty). */
export function quantiles(values: readonly number[]): Quantiles {
  if (values.length === 0) throw new Error('quantiles: no values');
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => {
    const x = q * (sorted.length - 1);
    const lo = Math.floor(x);
    const hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (x - lo) * (sorted[hi] - sorted[lo]);
  };
  return { min: sorted[0], q05: at(0.05), q50: at(0.5), q95: at(0.95), max: sorted[sorted.length - 1] };
}
