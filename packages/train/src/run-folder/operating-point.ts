// A run's chosen operating point: Youden's J threshold on the validation predictions of its best epoch (the
// epoch of the best checkpoint, which predict and evaluate load), read from metrics.json.
import { readJsonFile } from '../json-file.js';
import { type OperatingPoint, youdenThreshold } from '../operating-points.js';
import { runPaths } from './layout.js';

export interface RunOperatingPoint extends OperatingPoint {
  j: number;
  /** The epoch whose validation predictions chose it, and how many scans they were. */
  epoch: number;
  scans: number;
}

interface MetricsWithPredictions {
  bestEpoch?: number;
  best?: { epoch?: number; predictions?: { label: number; prob: number }[] } | null;
}

/** Youden's J threshold of `runDir`'s best epoch; errors name metrics.json and what is missing. */
export async function runYoudenThreshold(runDir: string): Promise<RunOperatingPoint> {
  const file = runPaths(runDir).metrics;
  const doc = (await readJsonFile(file)) as MetricsWithPredictions;
  const preds = doc.best?.predictions;
  if (!Array.isArray(preds) || preds.length === 0) {
    throw new Error(
      `${file}: no validation predictions of the best epoch (a binary run with validation has them)`,
    );
  }
  const labels = preds.map((p) => p.label);
  if (new Set(labels).size < 2) {
    throw new Error(`${file}: the best epoch's validation predictions hold one class; Youden's J needs both`);
  }
  const point = youdenThreshold(
    labels,
    preds.map((p) => p.prob),
  );
  return { ...point, epoch: doc.best?.epoch ?? doc.bestEpoch ?? 0, scans: preds.length };
}
