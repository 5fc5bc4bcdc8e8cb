// `ct3d explain`: a run's explanation of one scan, as a map in the scan's own space (its shape and affine),
// so that any viewer overlays it on the scan: preprocess with the run's recipe as predict does, explain over
// the model's input, then undo the recipe's spatial steps (mapToScan, as the exported page does).
import { mapToScan } from '@ct3d/augment';
import type { Volume } from '@ct3d/core';
import { MIN_SCAN_EXTENT } from '@ct3d/io';
import { readScan, writeNifti } from '@ct3d/io/node';
import { DEFAULT_EXPLANATION, type ExplainOptions, explain } from '@ct3d/model';
import { predictionClassNames } from '../format.js';
import { outputUnits } from '../multiclass.js';
import { type LoadedRun, runPreprocessing } from './load-run.js';

/** A scan's heat map and the prediction it explains. */
export interface ScanExplanation {
  /** The map in [0, 1] with the scan's shape, spacing and affine. */
  map: Volume;
  method: NonNullable<ExplainOptions['method']>;
  /** The layer weighted (Grad-CAM, Grad-CAM++) or the occlusion patch. */
  layer: string;
  classIndex: number;
  className: string;
  probability: number;
}

/** Explains `scanPath` (NIfTI, or a DICOM series) with the run's model; `opts.series` picks a series. */
export async function explainScanFile(
  run: LoadedRun,
  scanPath: string,
  opts: ExplainOptions & { series?: RegExp } = {},
): Promise<ScanExplanation> {
  const scan = await readScan(scanPath, {
    minExtent: MIN_SCAN_EXTENT,
    requireFinite: true,
    series: opts.series,
  });
  const preprocessing = runPreprocessing(run);
  const input = preprocessing.stage.apply(scan);
  const method = opts.method ?? DEFAULT_EXPLANATION.method;
  const defaults: ExplainOptions = method === DEFAULT_EXPLANATION.method ? DEFAULT_EXPLANATION : {};
  // The default method's other settings (occlusion's patch, overlap, mode) unless the caller set them.
  const { series: _, ...given } = opts;
  const r = await explain(run.model, input, { ...defaults, ...definedOnly(given), method });
  const data = mapToScan(preprocessing.steps, r.cam, scan);
  const names = predictionClassNames(outputUnits(run.model), run.info?.classNames);
  return {
    map: { data, shape: scan.shape, spacing: scan.spacing, affine: scan.affine },
    method,
    layer: r.layer,
    classIndex: r.classIndex,
    className: names[r.classIndex] ?? `class ${r.classIndex}`,
    probability: r.probability,
  };
}

/** `o` without its undefined entries, so that spreading it keeps the defaults under them. */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Writes the explanation's map as float32 NIfTI (atomically, as writeNifti does). */
export function writeExplanation(e: ScanExplanation, outPath: string): Promise<void> {
  return writeNifti(e.map, outPath, {
    description: `ct3d ${e.method} ${e.layer} ${e.className}`.slice(0, 79),
  });
}
