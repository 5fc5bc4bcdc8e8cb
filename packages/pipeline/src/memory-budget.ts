import { totalmem } from 'node:os';

/** Default bytes all scans in flight may hold at once: a third of the machine's memory, at most 8 GiB. */
export function defaultMemoryBudget(): number {
  return Math.min(Math.floor(totalmem() / 3), 8 * 1024 ** 3);
}

/**
 * Memory one scan needs while it is decoded and preprocessed, from what its header claims (measured: a
 * 512x512x200 int16 .nii.gz peaked at raw + ~8 bytes per voxel: the float32 copy, normalise/rotate buffers).
 */
export function scanMemoryEstimate(fileBytes: number, imageBytes: number, voxels: number): number {
  return fileBytes + imageBytes + 8 * voxels;
}

/** "1.5 GB" for messages. */
export function formatBytes(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(1)} GB` : `${Math.ceil(n / 1e6)} MB`;
}

/**
 * Bytes shared by the scans in flight: `acquire(n)` waits until n more fit (first come, first served), and
 * resolves with the function that gives them back. A request larger than the whole budget is a caller bug.
 */
export class MemoryBudget {
  #used = 0;
  readonly #waiting: { bytes: number; grant: () => void }[] = [];

  constructor(readonly total: number) {}

  get used(): number {
    return this.#used;
  }

  acquire(bytes: number): Promise<() => void> {
    if (bytes > this.total) throw new RangeError(`${bytes} bytes is over the whole budget of ${this.total}`);
    return new Promise((resolve) => {
      const grant = () => {
        this.#used += bytes;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.#used -= bytes;
          this.#drain();
        });
      };
      this.#waiting.push({ bytes, grant });
      this.#drain();
    });
  }

  #drain(): void {
    while (this.#waiting.length > 0 && this.#used + this.#waiting[0].bytes <= this.total) {
      this.#waiting.shift()?.grant();
    }
  }
}
