// The training page's VolumeStore in the Origin Private File System, so a large set need not fit in the
// tab's memory: one file per scan, a header of float64s (shape, spacing, the 4x4 affine) then its float32
// voxels, read and written with a FileSystemSyncAccessHandle (workers only). The folder is a run's volumes/
// (run-folders.ts); a scan's file is only named in the store once fully written, and the run's plan records
// the names so that a reload finds the volumes again.
import type { Volume } from '@ct3d/core';
import type { VolumeStore } from '@ct3d/train/browser';

/** A volume file's header: shape (3), spacing (3) and affine (16), float64. */
export const VOLUME_HEADER_BYTES = 22 * 8;

// lib.dom has no sync access handle (a worker-only API); the part used here.
interface SyncAccess {
  read(buffer: ArrayBufferView, options: { at: number }): number;
  write(buffer: ArrayBufferView, options: { at: number }): number;
  truncate(size: number): void;
  getSize(): number;
  flush(): void;
  close(): void;
}
type SyncFileHandle = FileSystemFileHandle & { createSyncAccessHandle(): Promise<SyncAccess> };

/** A VolumeStore in OPFS. open() rejects where the browser refuses the storage (then keep them in memory). */
export class OpfsVolumeStore implements VolumeStore {
  private readonly names = new Map<string, string>();
  /** Every file name given out, kept or being written: puts running together never share one. */
  private readonly taken = new Set<string>();
  // One handle at a time: a file with an open sync handle refuses a second one.
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly folder: FileSystemDirectoryHandle) {}

  /**
   * The volumes in `folder`, `kept` naming the files of those already there (by scan id, as kept() gave them);
   * a small file written and read back proves the storage works.
   */
  static async open(
    folder: FileSystemDirectoryHandle,
    kept: Record<string, string> = {},
  ): Promise<OpfsVolumeStore> {
    const store = new OpfsVolumeStore(folder);
    for (const [id, name] of Object.entries(kept)) {
      store.names.set(id, name);
      store.taken.add(name);
    }
    const probe = new Float32Array([1, 2, 3, 4]);
    const back = await store.withFile('probe', true, (access) => {
      access.write(probe, { at: 0 });
      const read = new Float32Array(4);
      access.read(read, { at: 0 });
      return read;
    });
    if (back.join() !== probe.join()) throw new Error('the private file system gave back other bytes');
    await store.folder.removeEntry('probe');
    return store;
  }

  put(id: string, volume: Volume): Promise<void> {
    const name = this.names.get(id) ?? this.newName();
    return this.withFile(name, true, (access) => {
      const { shape, spacing, affine, data } = volume;
      access.truncate(0);
      access.write(new Float64Array([...shape, ...spacing, ...affine.flat()]), { at: 0 });
      access.write(data, { at: VOLUME_HEADER_BYTES });
      access.flush();
      this.names.set(id, name);
    });
  }

  /** Each kept scan's file name, by scan id (for the run's plan). */
  kept(): Record<string, string> {
    return Object.fromEntries(this.names);
  }

  get(id: string): Promise<Volume> {
    const name = this.names.get(id);
    if (!name) return Promise.reject(new Error(`${id}: no preprocessed volume kept for this scan`));
    return this.withFile(name, false, (access) => {
      const header = new Float64Array(VOLUME_HEADER_BYTES / 8);
      access.read(header, { at: 0 });
      const data = new Float32Array((access.getSize() - VOLUME_HEADER_BYTES) / 4);
      access.read(data, { at: VOLUME_HEADER_BYTES });
      const row = (r: number) => Array.from(header.subarray(6 + 4 * r, 10 + 4 * r));
      return {
        data,
        shape: [header[0], header[1], header[2]],
        spacing: [header[3], header[4], header[5]],
        affine: [row(0), row(1), row(2), row(3)],
      };
    });
  }

  clear(): Promise<void> {
    return this.serial(async () => {
      for (const name of this.names.values()) await this.folder.removeEntry(name);
      this.names.clear();
    });
  }

  private newName(): string {
    for (let i = this.taken.size; ; i++) {
      const name = `scan-${String(i).padStart(5, '0')}.vol`;
      if (!this.taken.has(name)) {
        this.taken.add(name);
        return name;
      }
    }
  }

  private withFile<T>(name: string, create: boolean, use: (access: SyncAccess) => T): Promise<T> {
    return this.serial(async () => {
      const file = (await this.folder.getFileHandle(name, { create })) as SyncFileHandle;
      const access = await file.createSyncAccessHandle();
      try {
        return use(access);
      } finally {
        access.close();
      }
    });
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
