// Where a training run keeps its preprocessed volumes: the training page keeps them in the browser's private
// files (OPFS) so a large set need not fit in the tab's memory; Node tests and a browser refusing that storage
// keep them in memory. The loader awaits get() for every item, so a store may read from disk.
import type { Volume } from '@ct3d/core';

/** The preprocessed volumes of a run, by scan id. */
export interface VolumeStore {
  /** Keeps `volume` as scan `id`'s (replacing what `id` had). */
  put(id: string, volume: Volume): Promise<void>;
  /** Scan `id`'s volume; rejects naming the id when the store has none. */
  get(id: string): Promise<Volume>;
  /** Forgets every volume (a new run starts). */
  clear(): Promise<void>;
}

/** A VolumeStore in memory. */
export class MemoryVolumeStore implements VolumeStore {
  private readonly volumes = new Map<string, Volume>();

  async put(id: string, volume: Volume): Promise<void> {
    this.volumes.set(id, volume);
  }

  async get(id: string): Promise<Volume> {
    const volume = this.volumes.get(id);
    if (!volume) throw new Error(`${id}: no preprocessed volume kept for this scan`);
    return volume;
  }

  async clear(): Promise<void> {
    this.volumes.clear();
  }
}
