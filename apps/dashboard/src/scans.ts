import { type Composed, composeStage, seedRecipe, type TransformEntry } from '@ct3d/augment';
import { createRng, type Volume } from '@ct3d/core';
import { decodeNifti } from '@ct3d/io';
import { MANIFEST_FILE, parseCacheManifest } from '@ct3d/pipeline';
import { READ_LIMITS, readGuarded, type ServedRoot, servedRoot } from './guarded-read.js';
import { HttpError } from './http-error.js';
import { PathRefused, relativeSegments } from './paths.js';

/** The fields of @ct3d/pipeline's CacheEntry that the dashboard shows. */
export interface ScanInfo {
  id: string;
  file: string;
  label: number;
  className: string;
  shape: [number, number, number];
}

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
      const { entries } = parseCacheManifest(json, name);
      return entries.map(({ id, file, label, className, shape }) => ({ id, file, label, className, shape }));
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
