// What the training scans looked like, recorded in run.json (`trainingSet`) when a run starts, so that a
// page or a prediction can say when a new scan is far from them: the source shapes (ingest records each
// scan's sourceShape) and the spread of the windowed HU mean and std of the cached (preprocessed) scans.
import type { CacheEntry } from '@ct3d/pipeline';
import { readCachedVolume } from '@ct3d/pipeline';
import { type Quantiles, quantiles, SEED_HU_WINDOW, windowedHuStats } from '@ct3d/preprocess';

/** What run.json records of the training scans: their source shapes and windowed-HU spread. */
export interface TrainingSetRecord {
  /** Scans in the training split. */
  scans: number;
  /** Smallest and largest source extent per axis over the training scans that recorded it; null if none. */
  sourceShape: { min: [number, number, number]; max: [number, number, number] } | null;
  /** Quantiles over the training scans of their windowed HU mean and std (SEED_HU_WINDOW). */
  huMean: Quantiles;
  huStd: Quantiles;
}

/** Reads each training scan's cache file once (a few MB each at the seed's sizes) to record its statistics. */
export async function trainingSetRecord(
  cacheDir: string,
  train: readonly CacheEntry[],
): Promise<TrainingSetRecord> {
  const means: number[] = [];
  const stds: number[] = [];
  for (const entry of train) {
    const volume = await readCachedVolume(cacheDir, entry);
    const s = windowedHuStats(volume.data, SEED_HU_WINDOW);
    means.push(s.mean);
    stds.push(s.std);
  }
  const shapes = train.flatMap((e) => (e.sourceShape ? [e.sourceShape] : []));
  const axis = (pick: (a: number, b: number) => number) =>
    [0, 1, 2].map((k) => shapes.map((s) => s[k]).reduce((a, b) => pick(a, b))) as [number, number, number];
  return {
    scans: train.length,
    sourceShape: shapes.length > 0 ? { min: axis(Math.min), max: axis(Math.max) } : null,
    huMean: quantiles(means),
    huStd: quantiles(stds),
  };
}
