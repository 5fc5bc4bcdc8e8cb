// Fixtures for the tests: a tiny ingest cache with synthetic float32 .nii scans, runs folders, fake events.
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { composeStage, seedRecipe } from '@ct3d/augment';
import { identityAffine } from '@ct3d/core';
import { encodeNifti } from '@ct3d/io';
import { buildSeedModel, type tf } from '@ct3d/model';
import { markerScan, phantom } from '@ct3d/test-support';
import type { BinaryEvaluation, TrainEvent } from '@ct3d/train';
import { binaryMetrics } from '@ct3d/train/metrics';

export async function writeTinyCache(
  dir: string,
  shape: [number, number, number] = [32, 32, 12],
): Promise<void> {
  await mkdir(join(dir, 'scans'), { recursive: true });
  const entries = [];
  for (const [id, label] of [
    ['normal-1', 0],
    ['abnormal-1', 1],
  ] as const) {
    const bytes = encodeNifti({
      data: phantom(shape, label === 1),
      shape,
      spacing: [1, 1, 1],
      affine: identityAffine(),
    });
    await writeFile(join(dir, 'scans', `${id}.nii`), bytes);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    entries.push({
      id,
      file: `scans/${id}.nii`,
      source: `/data/${id}.nii.gz`,
      label,
      className: label ? 'CT-23' : 'CT-0',
      shape,
      sourceHash: sha256,
      fileHash: sha256,
    });
  }
  await writeFile(join(dir, 'manifest.json'), JSON.stringify({ size: shape, entries, failed: [] }));
}

/**
 * Adds the asymmetric phantom (@ct3d/test-support's markerScan) to a cache as ingest writes it: the seed's
 * preprocessing at the cache's `size` (rotate90 and resize), the cache file under the processed affine.
 */
export async function addMarkerScan(dir: string, size: [number, number, number]): Promise<void> {
  const cached = composeStage(seedRecipe(size), 'preprocess').apply(markerScan());
  const bytes = encodeNifti(cached);
  await writeFile(join(dir, 'scans', 'marker.nii'), bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
  manifest.entries.push({
    id: 'marker',
    file: 'scans/marker.nii',
    source: '/data/marker.nii.gz',
    label: 1,
    className: 'CT-23',
    shape: size,
    sourceHash: sha256,
    fileHash: sha256,
  });
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
}

export function fakeRunStart(
  epochs: number,
  stepsPerEpoch: number,
  runDir: string | null = null,
): TrainEvent {
  return {
    type: 'runStart',
    epochs,
    stepsPerEpoch,
    backend: 'cpu',
    settings: { epochs, earlyStopping: { monitor: 'val_acc', patience: 4 } },
    runDir,
    time: new Date(0).toISOString(),
  };
}

/** Synthetic @ct3d/train events of step `n` (1-based) of a run with `stepsPerEpoch` batches per epoch. */
export function fakeStepEvents(n: number, stepsPerEpoch: number, epochs = 10): TrainEvent[] {
  const epoch = Math.ceil(n / stepsPerEpoch);
  const loss = 0.7 * Math.exp(-n / 20) + 0.05 * Math.sin(n);
  const waitMs = 20 + 10 * Math.cos(n);
  const computeMs = 300 + 5 * n;
  const events: TrainEvent[] = [
    {
      type: 'batchEnd',
      epoch,
      step: ((n - 1) % stepsPerEpoch) + 1,
      size: 2,
      loss,
      acc: Math.min(1, 0.5 + n / 60),
      ms: waitMs + computeMs + 3,
      waitMs,
      computeMs,
      queueDepth: n % 3,
      lr: 1e-4 * 0.96 ** epoch,
    },
  ];
  if (n % stepsPerEpoch === 0) {
    const valAcc = 0.45 + epoch / 25 - (epoch % 3 === 0 ? 0.1 : 0);
    events.push({
      type: 'epochEnd',
      epoch,
      epochs,
      steps: stepsPerEpoch,
      loss,
      acc: 0.5 + epoch / 20,
      val_loss: loss + 0.1,
      val_acc: valAcc,
      val_auc: 0.5 + epoch / 30,
      val_sensitivity: 0.5 + epoch / 40,
      val_specificity: 0.4 + epoch / 30,
      confusion: { tn: 3, fp: 2, fn: 1, tp: 4 },
      ms: stepsPerEpoch * 330 + 200,
      msPerStep: 330,
      valMs: 200,
      lr: 1e-4 * 0.96 ** epoch,
    });
    if (epoch % 3 !== 0) {
      events.push({
        type: 'checkpoint',
        epoch,
        path: '/tmp/run/best',
        monitor: 'val_loss',
        value: loss + 0.1,
      });
    }
  }
  return events;
}

/** An evaluation event as a run's owner sends it: `{type: 'evaluation', ...await evaluate(model, batches)}`. */
export const fakeEvaluation: { type: 'evaluation' } & BinaryEvaluation = (() => {
  const labels = [0, 0, 1, 1, 1];
  const probabilities = [0.2, 0.6, 0.9, 0.4, 0.7];
  const ids = ['normal-1', 'normal-2', 'abnormal-1', 'abnormal-2', 'abnormal-3'];
  return { type: 'evaluation', ...binaryMetrics(labels, probabilities), probabilities, labels, ids };
})();

/** The seed model cut down to one 2-filter block for side^3 inputs: fast enough for a real fit() in a test. */
export function tinySeedModel(side: number): tf.LayersModel {
  return buildSeedModel({ width: side, height: side, depth: side, filters: [2], denseUnits: 4, seed: 5 });
}
