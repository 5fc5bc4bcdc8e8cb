import type { Volume } from './volume.js';

/** Integer voxels that float32 holds exactly: a decoder's stored values before conversion. */
export type StoredVoxels = Int8Array | Uint8Array | Int16Array | Uint16Array;

const STORED = Symbol.for('ct3d.storedVoxels');

/**
 * A Volume whose float32 `data` is made from `stored` only when first read (then kept), and which keeps
 * `stored` for stages that can read the integers directly (processScan does): a decoded int16 scan then
 * never pays for its float copy. `stored` must not change afterwards. The link is a non-enumerable property,
 * so a spread copy of the volume (which may replace `data`) never carries it; assigning `data` drops it.
 */
export function withStoredVoxels<V extends Omit<Volume, 'data'>>(v: V, stored: StoredVoxels): V & Volume {
  let data: Float32Array | undefined;
  Object.defineProperty(v, STORED, { value: stored, configurable: true, enumerable: false });
  Object.defineProperty(v, 'data', {
    enumerable: true,
    configurable: true,
    get: () => {
      data ??= Float32Array.from(stored);
      return data;
    },
    set: (value: Float32Array) => {
      delete (v as Record<symbol, unknown>)[STORED];
      Object.defineProperty(v, 'data', { value, writable: true, enumerable: true, configurable: true });
    },
  });
  return v as V & Volume;
}

/** The stored integers behind `v.data` (equal to it voxel for voxel), when a decoder attached them. */
export function storedVoxels(v: Volume): StoredVoxels | undefined {
  return (v as unknown as Record<symbol, StoredVoxels | undefined>)[STORED];
}
