import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { type Composed, composeStage, sameSteps, seedRecipe, type TransformEntry } from '@ct3d/augment';
import { MIN_SCAN_EXTENT } from '@ct3d/io';
import { readScan } from '@ct3d/io/node';
import { loadModel, type tf } from '@ct3d/model';
import { createWorkerPool, loadCache, validationBatches, verifyCacheEntries } from '@ct3d/pipeline';
import { type Evaluation, evaluate } from '../evaluate.js';
import { formatPrediction, formatPredictions, predictionClassNames } from '../format.js';
import { readJsonFile } from '../json-file.js';
import { outputUnits } from '../multiclass.js';
import { modelInputShape, predictProbabilities } from '../step.js';
import { MODEL_DIRS, RUN_FILES, runPaths } from './layout.js';
import type { RunInfo } from './run-info.js';

/** A run folder loaded for prediction: its model, the folder the weights came from and its run.json. */
export interface LoadedRun {
  model: tf.LayersModel;
  /** The folder the weights came from: best/ when present (the seed reloads its best checkpoint), else model/. */
  modelDir: string;
  info: RunInfo | null;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Loads a run folder's best checkpoint (or final model) and its run.json. */
export async function loadRun(runDir: string): Promise<LoadedRun> {
  const candidates = MODEL_DIRS.map((name) => join(runDir, name));
  const found: string[] = [];
  for (const dir of candidates) if (await exists(join(dir, 'model.json'))) found.push(dir);
  if (found.length === 0)
    throw new Error(`${runDir}: no trained model (neither best/ nor model/ holds model.json)`);
  const infoPath = runPaths(runDir).info;
  const info = (await exists(infoPath)) ? ((await readJsonFile(infoPath)) as RunInfo) : null;
  return { model: await loadModel(found[0]), modelDir: found[0], info };
}

/**
 * The run's recipe preprocessing (run.json; runs without one: the seed preset at the model's input size):
 * its steps and their composed function, exactly what ingest ran on the training cache.
 */
export function runPreprocessing(run: LoadedRun): { steps: TransformEntry[]; stage: Composed } {
  const recipe = run.info?.recipe ?? seedRecipe(modelInputShape(run.model));
  const stage = composeStage(recipe, 'preprocess', `${run.modelDir}/../run.json recipe`);
  return { steps: recipe.preprocess, stage };
}

/** One scan predicted by predictScanFile: probabilities and the sentences. */
export interface ScanPrediction {
  scan: string;
  /** Probability of class 1 (abnormal) for the seed's sigmoid head; of the predicted class for a softmax head. */
  probability: number;
  /** Every class's probability (index = label). */
  probabilities: number[];
  /** The most probable class. */
  predicted: number;
  /** ['normal', 'abnormal'] for the sigmoid head (the seed); run.json's class names for a softmax head. */
  classNames: string[];
  /** The seed's sentences, one per class. */
  text: string;
  /** Files of a DICOM folder that are no slice of the series read (localizers, reports), with why. */
  skipped: { name: string; reason: string }[];
}

/**
 * Preprocesses one scan (a NIfTI file, or a DICOM series folder or file; `series` picks one series of
 * several by SeriesDescription) with the run's recipe (run.json; runs without one: the seed preset at the
 * model's input size), exactly as ingest made the training cache, and predicts it: the seed's last cell.
 */
export async function predictScanFile(
  run: LoadedRun,
  scanPath: string,
  opts: { series?: RegExp } = {},
): Promise<ScanPrediction> {
  // A 2D image or a 1x1x1 volume is refused, not resized into noise and predicted at ~50%.
  // A scan with NaN/Inf voxels is refused (naming how many): the model would answer for it with confidence.
  const scan = await readScan(scanPath, {
    minExtent: MIN_SCAN_EXTENT,
    requireFinite: true,
    series: opts.series,
  });
  const volume = runPreprocessing(run).stage.apply(scan);
  const { skipped } = scan;
  const probabilities = await predictProbabilities(run.model, volume);
  const predicted = probabilities.indexOf(Math.max(...probabilities));
  const units = outputUnits(run.model);
  const classNames = predictionClassNames(units, run.info?.classNames);
  if (units === 1) {
    const probability = probabilities[1];
    return {
      scan: scanPath,
      probability,
      probabilities,
      predicted,
      classNames,
      text: formatPrediction(probability, [classNames[0], classNames[1]]),
      skipped,
    };
  }
  const text = formatPredictions(probabilities, classNames);
  return {
    scan: scanPath,
    probability: probabilities[predicted],
    probabilities,
    predicted,
    classNames,
    text,
    skipped,
  };
}

/** Which scans of the cache evaluateRun evaluates. */
export type EvaluationSet = 'all' | 'val' | 'train';

/** Scores a run's model on a cache: every scan, or the run's own train/val split (from run.json). */
export async function evaluateRun(
  run: LoadedRun,
  cacheDir: string,
  opts: { set?: EvaluationSet; workers?: number; batchSize?: number } = {},
): Promise<Evaluation> {
  const manifest = await loadCache(cacheDir);
  const set = opts.set ?? 'all';
  let entries = manifest.entries;
  if (set !== 'all') {
    if (!run.info) throw new Error(`--set ${set} needs the run's ${RUN_FILES.info} (it records the split)`);
    const ids = new Set(run.info.split[set]);
    entries = entries.filter((e) => ids.has(e.id));
  }
  if (entries.length === 0) throw new Error(`${cacheDir}: no scans to evaluate in set '${set}'`);
  const expected = modelInputShape(run.model).join('x');
  if (manifest.size.join('x') !== expected) {
    throw new Error(`${cacheDir}: cached at ${manifest.size.join('x')} but the model takes ${expected}`);
  }
  // The cache must hold what the model was trained on: the run's recipe's preprocessing (seed when absent).
  const cached = manifest.recipe?.preprocess ?? seedRecipe(manifest.size).preprocess;
  const trained = run.info?.recipe?.preprocess ?? seedRecipe(manifest.size).preprocess;
  if (!sameSteps(cached, trained)) {
    throw new Error(
      `${cacheDir}: preprocessed with another recipe than the run's (run.json recipe); ingest it with the run's recipe`,
    );
  }
  await verifyCacheEntries(cacheDir, entries); // scores of altered or NaN files would be wrong, silently
  const pool = createWorkerPool({ workers: opts.workers });
  try {
    return await evaluate(
      run.model,
      validationBatches({ cacheDir, entries, batchSize: opts.batchSize ?? 2, pool }),
    );
  } finally {
    await pool.close();
  }
}
