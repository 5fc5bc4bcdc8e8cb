import { resolve } from 'node:path';
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
  ) {}

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
      settingsHash: settingsHash(this.size),
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
