// Fixtures for the page's tests: a tiny run trained with @ct3d/train's fit() (its events recorded as
// `ct3d train` records them: metrics.json), and synthetic scans on disk.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { composeStage, type Recipe, seedRecipe } from '@ct3d/augment';
import { identityAffine, type Volume } from '@ct3d/core';
import { writeNifti } from '@ct3d/io/node';
import { buildSeedModel } from '@ct3d/model';
import { quantiles, windowedHuStats } from '@ct3d/preprocess';
import { phantom, phantomBatches } from '@ct3d/test-support';
import { fit, RunRecorder, type TrainingSetRecord } from '@ct3d/train';

/**
 * Trains the seed model at side^3 for two short epochs into runDir (best/ and model/ as `ct3d train` does),
 * with a RunRecorder writing events.jsonl, history.json and metrics.json.
 */
export async function trainTinyRun(runDir: string, side: number): Promise<void> {
  const model = buildSeedModel({
    width: side,
    height: side,
    depth: side,
    filters: [4, 8],
    denseUnits: 8,
    seed: 11,
  });
  const recorder = new RunRecorder(runDir);
  await new Promise<void>((resolve, reject) =>
    fit({
      model,
      train: () => phantomBatches(side),
      validation: () => phantomBatches(side),
      epochs: 2,
      stepsPerEpoch: 2,
      runDir,
      montage: false,
    }).subscribe({ next: (e) => recorder.record(e), error: reject, complete: resolve }),
  );
  await recorder.done();
}

/** A chest phantom in HU (int16, as scanners write them) of `shape`. */
export function phantomScan(shape: [number, number, number], lesion: boolean): Volume {
  const data = phantom(shape, lesion).map((v) => v * 1400 - 1000);
  return { data, shape, spacing: [0.8, 0.8, 2.5], affine: identityAffine() };
}

/** A chest phantom in HU of `shape`, saved as .nii or .nii.gz (int16). */
export async function writeScan(path: string, shape: [number, number, number], lesion: boolean) {
  await writeNifti(phantomScan(shape, lesion), path, { datatype: 'int16' });
}

/**
 * Writes the run.json parts the page reads (the split's sizes, the training set's record and, when given, the
 * recipe) for a run "trained" on `scans`: their record is computed as trainFromCache's (windowed HU of the
 * scan preprocessed by the recipe; the seed preset when none is given).
 */
export async function writeTrainingRecord(
  runDir: string,
  scans: Volume[],
  size: [number, number, number],
  recipe?: Recipe,
): Promise<TrainingSetRecord> {
  const preprocess = composeStage(recipe ?? seedRecipe(size), 'preprocess');
  const stats = scans.map((s) => windowedHuStats(preprocess.apply(s).data));
  const axis = (k: number) => scans.map((s) => s.shape[k]);
  const trainingSet: TrainingSetRecord = {
    scans: scans.length,
    sourceShape: {
      min: [0, 1, 2].map((k) => Math.min(...axis(k))) as [number, number, number],
      max: [0, 1, 2].map((k) => Math.max(...axis(k))) as [number, number, number],
    },
    huMean: quantiles(stats.map((s) => s.mean)),
    huStd: quantiles(stats.map((s) => s.std)),
  };
  const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
  const split = { train: ids('train-', scans.length), val: ids('val-', 4) };
  const info = { split, trainingSet, ...(recipe && { recipe }) };
  await writeFile(join(runDir, 'run.json'), `${JSON.stringify(info, null, 2)}\n`);
  return trainingSet;
}
