import { type Composed, composeStage, seedRecipe, type TransformEntry } from '@ct3d/augment';
import type { Volume } from '@ct3d/core';
import { decodeNifti, MIN_SCAN_EXTENT } from '@ct3d/io';
import { DicomError, parseDicomFile, readDicomSeries } from '@ct3d/io/dicom';
import type { Shape3 } from './tasks.js';

/** How ingest preprocesses a scan: the cache's size, the recipe's preprocessing, limits and the name for errors. */
export interface ScanSettings {
  size: Shape3;
  /** File name for error messages. */
  name?: string;
  /** Largest uncompressed image accepted (io's default when absent). */
  maxBytes?: number;
  /** The recipe's preprocessing (default: the seed preset at `size`). */
  preprocess?: TransformEntry[];
}

/** One preprocessed scan, with its source shape, non-finite voxel count and stage times. */
export interface ProcessedScan {
  volume: Volume;
  sourceShape: Shape3;
  /** NaN/Inf voxels in the source (processScan maps them to the window minimum). */
  nonFinite: number;
  decodeMs: number;
  preprocessMs: number;
}

/**
 * The per-scan work, pure: NIfTI bytes -> the seed's preprocessed volume. A 2D image or a volume thinner than
 * MIN_SCAN_EXTENT along an axis is refused: resized to the training size it would only be noise.
 */
export function processBytes(bytes: Uint8Array, settings: ScanSettings): ProcessedScan {
  const t0 = performance.now();
  const { name, maxBytes } = settings;
  const source = decodeNifti(bytes, { name, maxBytes, minExtent: MIN_SCAN_EXTENT });
  const t1 = performance.now();
  const volume = preprocessed(source, settings);
  const t2 = performance.now();
  const sourceShape: Shape3 = [source.shape[0], source.shape[1], source.shape[2]];
  return { volume, sourceShape, nonFinite: source.nonFinite, decodeMs: t1 - t0, preprocessMs: t2 - t1 };
}

/**
 * The same for a DICOM series held in memory (its files' bytes): parsed, read as dcm2niix would write it,
 * then preprocessed. `settings.name` names the series in errors.
 */
export async function processDicomBytes(
  files: { name: string; bytes: Uint8Array }[],
  settings: ScanSettings,
): Promise<ProcessedScan> {
  const t0 = performance.now();
  const instances = files.map((f) => parseDicomFile(f.bytes, f.name));
  const source = await readDicomSeries(instances, { name: settings.name });
  if (source.shape.some((n) => n < MIN_SCAN_EXTENT)) {
    throw new DicomError(
      settings.name ?? source.name,
      `degenerate volume ${source.shape.join('x')}: a CT scan needs at least ${MIN_SCAN_EXTENT} voxels along each axis`,
    );
  }
  const t1 = performance.now();
  const volume = preprocessed(source, settings);
  const t2 = performance.now();
  const sourceShape: Shape3 = [source.shape[0], source.shape[1], source.shape[2]];
  return { volume, sourceShape, nonFinite: 0, decodeMs: t1 - t0, preprocessMs: t2 - t1 };
}

/** One-line reason: NiftiError's own reason, else the message. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const reason = (error as Error & { reason?: unknown }).reason;
    return typeof reason === 'string' && reason ? reason : error.message;
  }
  return String(error);
}

/** The recipe's preprocessing of one source; its output must have the cache's shape. */
function preprocessed(source: Volume, settings: ScanSettings): Volume {
  const volume = preprocessing(settings).apply(source);
  if (volume.shape.join('x') !== settings.size.join('x'))
    throw new Error(
      `the recipe's preprocessing made ${volume.shape.join('x')}, not the cache's ${settings.size.join('x')}`,
    );
  return volume;
}

let composed: { key: string; stage: Composed } | undefined;

/** The recipe's composed preprocessing, built once per worker (every scan of an ingest uses the same). */
function preprocessing(settings: ScanSettings): Composed {
  const key = JSON.stringify([settings.size, settings.preprocess ?? null]);
  if (composed?.key !== key) {
    const recipe = settings.preprocess ? { preprocess: settings.preprocess } : seedRecipe(settings.size);
    composed = { key, stage: composeStage(recipe, 'preprocess') };
  }
  return composed.stage;
}
