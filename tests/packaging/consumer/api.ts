// Type-checked against the installed tarballs' .d.ts files (tsc --noEmit in the consumer project): each
// package's public API resolves and types the way a user's TypeScript project sees it.

import { composeRecipe, type Recipe, randomRotation, resolveRecipe, rotateInPlane } from '@ct3d/augment';
import { createRng, identityAffine, type Volume } from '@ct3d/core';
import { startDashboard } from '@ct3d/dashboard';
import { decodeNifti, encodeNifti, NiftiError, type NiftiVolume } from '@ct3d/io';
import { type ClassMapping, discoverLabelledScans, discoverScans } from '@ct3d/io/dataset';
import { DicomError, type DicomVolume, groupSeries, parseDicomFile, readDicomSeries } from '@ct3d/io/dicom';
import { type FetchDatasetOptions, MOSMEDDATA_FILES } from '@ct3d/io/download';
import { readDicomVolume, readNifti, readScan, writeNifti } from '@ct3d/io/node';
import { synthesizeChestCT } from '@ct3d/io/synthetic';
import { type BackendChoice, buildSeedModel, formatSummary, initBackend, type tf } from '@ct3d/model';
import { type CacheManifest, createWorkerPool, epochBatches, ingest } from '@ct3d/pipeline';
import { normalizeHU, processScan } from '@ct3d/preprocess';
import { fit, type TrainEvent, trainFromCache } from '@ct3d/train';
import { formatPrediction } from '@ct3d/train/format';
import { exportWebApp, type WebManifest } from '@ct3d/web';

const volume: Volume = {
  data: new Float32Array(8),
  shape: [2, 2, 2],
  spacing: [1, 1, 1],
  affine: identityAffine(),
};
// Proves the types are real (not an unresolved `any`): each line below must be a type error.
// @ts-expect-error a Volume has a shape, spacing and affine
const incomplete: Volume = { data: new Float32Array(1) };
// @ts-expect-error processScan's size is a [w, h, d] tuple
processScan(volume, { size: 64 });
// @ts-expect-error initBackend takes a backend name
void initBackend('gpu');
const bytes: Uint8Array = encodeNifti(volume);
const decoded: NiftiVolume = decodeNifti(bytes, { name: 'x.nii' });
const err: Error = new NiftiError('x.nii', 'reason');
const shape: [number, number, number] = processScan(decoded, { size: [2, 2, 2] }).shape;
const rotated: Volume = randomRotation(normalizeHU(volume), createRng(1));
const tilted: Volume = rotateInPlane(rotated, 5, { order: 1 });
const recipe: Recipe = resolveRecipe('default', 'preset default', { size: [2, 2, 2] });
const augmented: Volume = composeRecipe(recipe).augment.apply(tilted, createRng(2));
// @ts-expect-error a recipe's size is a [w, h, d] tuple
resolveRecipe('seed', 'x', { size: 64 });
const synthetic: Volume = synthesizeChestCT({ size: 32, slices: 4, abnormal: false, seed: 0 });
const files: readonly unknown[] = MOSMEDDATA_FILES;
const mapping: ClassMapping | undefined = undefined;
const fetchOptions: FetchDatasetOptions | undefined = undefined;
const manifest: CacheManifest | undefined = undefined;
const choice: Promise<BackendChoice> = initBackend('auto');
const model: tf.LayersModel = buildSeedModel({ width: 46, height: 46, depth: 46, filters: [2, 2, 2, 2] });
const summary: string = formatSummary(model);
const event: TrainEvent['type'] = 'epochEnd';
const sentences: string = formatPrediction(0.5);
const head: WebManifest['head'] = 'sigmoid';
const series = groupSeries([parseDicomFile(bytes, 'x.dcm', { headerOnly: true })]).series;
const dicomVolume: Promise<DicomVolume> = readDicomSeries(series[0]);
const dicomError: Error = new DicomError('series', 'reason');
// @ts-expect-error readDicomVolume's series option is a RegExp
void readDicomVolume('study', { series: 'B40f' });
const dicomApi: unknown[] = [dicomVolume, dicomError, readScan, discoverLabelledScans];
// @ts-expect-error exportWebApp needs the run and output folders
void exportWebApp({ runDir: 'run' });
const api: unknown[] = [readNifti, writeNifti, discoverScans, createWorkerPool, epochBatches, ingest, fit];
const more: unknown[] = [trainFromCache, startDashboard, files, mapping, fetchOptions, manifest, choice];
console.log(
  incomplete,
  err,
  shape,
  tilted,
  augmented,
  synthetic,
  summary,
  event,
  sentences,
  head,
  api,
  more,
  dicomApi,
);
