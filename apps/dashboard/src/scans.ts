import {
  type Composed,
  composeStage,
  type HuScaling,
  huScaling,
  seedRecipe,
  type TransformEntry,
  unitsToHu,
} from '@ct3d/augment';
import { createRng, type Volume } from '@ct3d/core';
import { PathRefused, readGuarded, type ServedRoot, servedRoot } from '@ct3d/core/node';
import { decodeNifti, encodeNifti } from '@ct3d/io';
import { type CacheManifest, MANIFEST_FILE, parseCacheManifest } from '@ct3d/pipeline';
import { HttpError } from './http-error.js';
import { relativeSegments } from './paths.js';
import { READ_LIMITS } from './read-limits.js';

/** The fields of @ct3d/pipeline's CacheEntry that the dashboard shows. */
export interface ScanInfo {
  id: string;
  file: string;
  label: number;
  className: string;
  shape: [number, number, number];
}

/** How the cache's voxels map back to HU: its preprocessing's ScaleIntensityRange, read backwards. */
export type CacheScaling = HuScaling;

/** The ScaleIntensityRange step of the cache's recipe (the seed's when it records none). */
export function cacheScaling(manifest: Pick<CacheManifest, 'recipe'>): CacheScaling {
  try {
    return huScaling(manifest.recipe?.preprocess ?? seedRecipe().preprocess);
  } catch (err) {
    throw new HttpError(500, `cache recipe: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** A cached volume back in HU (the scaling undone): the viewer shows and reads out HU, not cache units. */
export const cacheToHu = unitsToHu;

/** Reads scans of an ingest cache (manifest.json + float32 .nii), keeping the last few volumes in memory. */
export class ScanStore {
  private readonly volumes = new Map<string, Promise<Volume>>();
  private readonly augmentation: Composed;
  /** Every scan is read under the cache folder, links and all. */
  private readonly root: ServedRoot;

  constructor(
    readonly cacheDir: string,
    private readonly keep = 6,
    /** The training recipe's augmentation steps (default: the seed preset's). */
    augment: TransformEntry[] = seedRecipe().augment,
  ) {
    this.augmentation = composeStage({ augment }, 'augment');
    this.root = servedRoot(cacheDir);
  }

  async list(): Promise<ScanInfo[]> {
    const { entries } = await this.manifest();
    return entries.map(({ id, file, label, className, shape }) => ({ id, file, label, className, shape }));
  }

  /**
   * Scan `id` (sample n > 0: augmented, see volume()) in HU as float32 NIfTI bytes with the cache file's
   * affine: the model's input grid, placed in the scan's world space. The viewer loads these bytes.
   */
  async nifti(id: string, sample = 0): Promise<Uint8Array> {
    const scaling = cacheScaling(await this.manifest());
    return encodeNifti(cacheToHu(await this.volume(id, sample), scaling), { description: 'ct3d cache, HU' });
  }

  private async manifest(): Promise<CacheManifest> {
    const bytes = await readGuarded(this.root, [MANIFEST_FILE], READ_LIMITS.json);
    const name = `cache ${MANIFEST_FILE}`;
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch (err) {
      throw new HttpError(500, `${name}: ${(err as Error).message}`);
    }
    try {
      // The pipeline's one manifest schema: a bad entry is named, never shown as a scan.
      return parseCacheManifest(json, name);
    } catch (err) {
      throw new HttpError(500, (err as Error).message);
    }
  }

  /**
   * The volume of scan `id`; for sample n > 0, augmented by the recipe's composed augmentation with
   * createRng(n): the same function the training load workers run.
   */
  volume(id: string, sample = 0): Promise<Volume> {
    const key = `${id}@${sample}`;
    let v = this.volumes.get(key);
    if (!v) {
      v =
        sample === 0
          ? this.load(id)
          : this.volume(id, 0).then((raw) => this.augmentation.apply(raw, createRng(sample)));
      v.catch(() => this.volumes.delete(key));
      this.volumes.set(key, v);
      if (this.volumes.size > this.keep) this.volumes.delete(this.volumes.keys().next().value!);
    }
    return v;
  }

  private async load(id: string): Promise<Volume> {
    const entry = (await this.list()).find((e) => e.id === id);
    if (!entry) throw new PathRefused(404, `no scan ${id} in the cache`);
    const segments = relativeSegments(entry.file);
    const bytes = await readGuarded(this.root, segments, READ_LIMITS.scan);
    try {
      return decodeNifti(bytes, { name: segments.join('/'), maxBytes: READ_LIMITS.scan });
    } catch (err) {
      throw new HttpError(500, `cache ${(err as Error).message}`);
    }
  }
}
