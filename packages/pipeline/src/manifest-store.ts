import { resolve } from 'node:path';
import { seedRecipe, type TransformEntry } from '@ct3d/augment';
import { type CacheEntry, type CacheManifest, settingsHash, writeManifest } from './cache.js';
import type { Shape3 } from './tasks.js';

/**
 * The manifest being built by one ingest run. Every change schedules a save; saves are coalesced (one write
 * in flight, at most one queued) and atomic, so a killed run leaves the last complete manifest.
 */
export class ManifestStore {
  readonly #entries = new Map<string, CacheEntry>();
  readonly #failed = new Map<string, string>();
  #dirty = false;
  #writing: Promise<void> | undefined;
  #error: unknown;

  constructor(
    readonly cacheDir: string,
    readonly size: Shape3,
    /** Source paths in input order: the manifest lists entries in this order. */
    readonly order: string[],
    /** The recipe's preprocessing (default: the seed preset at `size`). */
    readonly preprocess: TransformEntry[] = seedRecipe(size).preprocess,
  ) {}

  /** Adds a source found during the run (a PACS series, a failed study) at the end of the order. */
  add(path: string): void {
    if (!this.order.some((p) => resolve(p) === resolve(path))) this.order.push(path);
  }

  /** Drops a source (and its entry or failure) from this run's manifest. */
  remove(path: string): void {
    const key = resolve(path);
    this.#entries.delete(key);
    this.#failed.delete(key);
    this.order.splice(0, this.order.length, ...this.order.filter((p) => resolve(p) !== key));
    this.schedule();
  }

  record(entry: CacheEntry): void {
    const key = resolve(entry.source);
    this.#entries.set(key, entry);
    this.#failed.delete(key);
    this.schedule();
  }

  recordFailure(path: string, reason: string): void {
    const key = resolve(path);
    this.#entries.delete(key);
    this.#failed.set(key, reason);
    this.schedule();
  }

  /**
   * Refuses entries whose source bytes (sha256) are the same: copies under two labels cannot both be right,
   * so all of them fail; copies under one label keep the first (in input order) and fail the others, since
   * they would leak into both training and validation. Returns how many were refused.
   */
  refuseDuplicates(): number {
    const byHash = new Map<string, CacheEntry[]>();
    for (const p of this.order) {
      const e = this.#entries.get(resolve(p));
      if (e) byHash.set(e.sourceHash, [...(byHash.get(e.sourceHash) ?? []), e]);
    }
    let refused = 0;
    for (const group of byHash.values()) {
      if (group.length < 2) continue;
      const [first, ...rest] = group;
      const labels = new Set(group.map((e) => e.label));
      for (const e of labels.size > 1 ? group : rest) {
        const other = e === first ? group[1] : first;
        const reason =
          labels.size > 1
            ? `same bytes as ${other.source} (class ${other.className}): one scan cannot be both ${e.className} and ${other.className}`
            : `same bytes as ${other.source}: a copy would leak into both training and validation`;
        this.recordFailure(e.source, reason);
        refused++;
      }
    }
    return refused;
  }

  failures(): { path: string; reason: string }[] {
    return this.order.flatMap((p) => {
      const reason = this.#failed.get(resolve(p));
      return reason === undefined ? [] : [{ path: p, reason }];
    });
  }

  snapshot(): CacheManifest {
    return {
      version: 1,
      size: this.size,
      settingsHash: settingsHash(this.size, this.preprocess),
      recipe: { preprocess: this.preprocess },
      entries: this.order.flatMap((p) => this.#entries.get(resolve(p)) ?? []),
      failed: this.failures(),
      updatedAt: new Date().toISOString(),
    };
  }

  schedule(): void {
    this.#dirty = true;
    this.#writing ??= this.#drain();
  }

  /** Saves pending changes; rethrows a failed write. */
  async flush(): Promise<void> {
    this.schedule();
    await this.#writing;
    if (this.#error !== undefined) throw this.#error;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#dirty) {
        this.#dirty = false;
        await writeManifest(this.cacheDir, this.snapshot());
      }
    } catch (error) {
      this.#error = error;
    } finally {
      this.#writing = undefined;
    }
  }
}
