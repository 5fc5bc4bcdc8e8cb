// Fixtures for the page's tests: a tiny run trained with @ct3d/train's fit(), and synthetic scans on disk.
import { identityAffine, toChannelsLast, type Volume } from '@ct3d/core';
import { writeNifti } from '@ct3d/io/node';
import { buildSeedModel } from '@ct3d/model';
import { phantom } from '@ct3d/test-support';
import { type BatchLike, fit, fitToEnd } from '@ct3d/train';

/** Phantoms in the model's layout, [normal, abnormal] per batch. */
function* batches(side: number): Generator<BatchLike> {
  const n = side ** 3;
  for (let b = 0; b < 2; b++) {
    const x = new Float32Array(2 * n);
    [false, true].forEach((lesion, k) => {
      const shape: [number, number, number] = [side, side, side];
      const v: Volume = { data: phantom(shape, lesion), shape, spacing: [1, 1, 1], affine: identityAffine() };
      x.set(toChannelsLast(v), k * n);
    });
    yield { x, y: Float32Array.from([0, 1]), shape: [2, side, side, side, 1] };
  }
}

/** Trains the seed model at side^3 for two short epochs into runDir (best/ and model/ as `ct3d train` does). */
export async function trainTinyRun(runDir: string, side: number): Promise<void> {
  const model = buildSeedModel({
    width: side,
    height: side,
    depth: side,
    filters: [4, 8],
    denseUnits: 8,
    seed: 11,
  });
  await fitToEnd(
    fit({
      model,
      train: () => batches(side),
      validation: () => batches(side),
      epochs: 2,
      stepsPerEpoch: 2,
      runDir,
      montage: false,
    }),
  );
}

/** A chest phantom in HU (int16, as scanners write them) of `shape`, saved as .nii or .nii.gz. */
export async function writeScan(path: string, shape: [number, number, number], lesion: boolean) {
  const data = phantom(shape, lesion).map((v) => v * 1400 - 1000);
  const spacing: [number, number, number] = [0.8, 0.8, 2.5];
  await writeNifti({ data, shape, spacing, affine: identityAffine() }, path, { datatype: 'int16' });
}
