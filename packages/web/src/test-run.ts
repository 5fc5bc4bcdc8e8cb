// Fixtures for the page's tests: a tiny run trained with @ct3d/train's fit(), and synthetic scans on disk.
import { identityAffine } from '@ct3d/core';
import { writeNifti } from '@ct3d/io/node';
import { buildSeedModel } from '@ct3d/model';
import { phantom, phantomBatches } from '@ct3d/test-support';
import { fit, fitToEnd } from '@ct3d/train';

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
      train: () => phantomBatches(side),
      validation: () => phantomBatches(side),
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
