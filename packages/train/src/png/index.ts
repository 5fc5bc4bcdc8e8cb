import { writeRunFile } from '../run-folder/write-run-file.js';
import { type CurvesOptions, renderCurves } from './curves.js';
import { type MontageOptions, type MontageScan, renderMontage } from './montage.js';

export { autoScale, niceStep } from './axes.js';
export { type CurvesOptions, renderCurves, TRAIN_COLOR, VAL_COLOR } from './curves.js';
export { batchSample, type MontageOptions, type MontageScan, renderMontage } from './montage.js';
export { Raster, type Rgb } from './raster.js';

/** Writes the seed's accuracy/loss curves (see renderCurves) as a PNG, atomically. */
export async function writeCurvesPng(
  path: string,
  history: Readonly<Record<string, readonly number[]>>,
  opts?: CurvesOptions,
): Promise<void> {
  await writeRunFile(path, await renderCurves(history, opts).toPng());
}

/** Writes the seed's slice montage (see renderMontage) as a PNG, atomically. */
export async function writeMontagePng(path: string, scan: MontageScan, opts?: MontageOptions): Promise<void> {
  await writeRunFile(path, await renderMontage(scan, opts).toPng());
}
