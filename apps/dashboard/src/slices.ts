import type { Volume } from '@ct3d/core';

/** The plane a slice is cut in. */
export type Axis = 'axial' | 'coronal' | 'sagittal';
export const AXES: readonly Axis[] = ['axial', 'coronal', 'sagittal'];

/** HU range the ingest cache was normalised over (normalizeHU defaults): value 0..1 <-> -1000..400 HU. */
export const CACHE_HU_RANGE: readonly [number, number] = [-1000, 400];

/** Window presets in HU (width/level as NiiVue and radiology viewers name them); `full` = whole cache range. */
export const WINDOWS: Record<string, { width: number; level: number }> = {
  lung: { width: 1500, level: -600 },
  mediastinum: { width: 350, level: 40 },
  full: { width: CACHE_HU_RANGE[1] - CACHE_HU_RANGE[0], level: (CACHE_HU_RANGE[0] + CACHE_HU_RANGE[1]) / 2 },
};

/** A HU window mapped into the cache's normalised units: [low, high] where low -> black, high -> white. */
export function windowInCacheUnits(name: string): [number, number] {
  const w = WINDOWS[name];
  if (!w) throw new Error(`unknown window ${JSON.stringify(name)} (use ${Object.keys(WINDOWS).join(', ')})`);
  const [min, max] = CACHE_HU_RANGE;
  const toUnit = (hu: number) => (hu - min) / (max - min);
  return [toUnit(w.level - w.width / 2), toUnit(w.level + w.width / 2)];
}

export interface Slice {
  width: number;
  height: number;
  /** Row-major, top row first. */
  data: Float32Array;
  /** Physical height / width of one pixel (voxel spacing), so the page can draw true proportions. */
  pixelAspect: number;
}

export function sliceCount(v: Volume, axis: Axis): number {
  return v.shape[axis === 'sagittal' ? 0 : axis === 'coronal' ? 1 : 2];
}

/**
 * One slice in screen order (neurological convention, NiiVue's default): axial = i across, j up
 * (anterior at top); coronal = i across, k up; sagittal = j across, k up (superior at top).
 */
export function extractSlice(v: Volume, axis: Axis, index: number): Slice {
  const [nx, ny, nz] = v.shape;
  const count = sliceCount(v, axis);
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new RangeError(`${axis} slice ${index} out of range 0..${count - 1}`);
  }
  const at = (i: number, j: number, k: number) => v.data[i + nx * (j + ny * k)];
  const [width, height] = axis === 'axial' ? [nx, ny] : axis === 'coronal' ? [nx, nz] : [ny, nz];
  const [colAxis, rowAxis] = axis === 'axial' ? [0, 1] : axis === 'coronal' ? [0, 2] : [1, 2];
  const pixelAspect = v.spacing[rowAxis] / v.spacing[colAxis] || 1;
  const data = new Float32Array(width * height);
  for (let r = 0; r < height; r++) {
    const up = height - 1 - r;
    for (let c = 0; c < width; c++) {
      data[r * width + c] =
        axis === 'axial' ? at(c, up, index) : axis === 'coronal' ? at(c, index, up) : at(index, c, up);
    }
  }
  return { width, height, data, pixelAspect };
}

/** Linear window to 8-bit grey; non-finite voxels draw black. */
export function windowToUint8(values: Float32Array, [low, high]: [number, number]): Uint8Array {
  const out = new Uint8Array(values.length);
  const scale = 255 / (high - low);
  for (let i = 0; i < values.length; i++) {
    const g = (values[i] - low) * scale;
    out[i] = Number.isFinite(g) ? Math.max(0, Math.min(255, Math.round(g))) : 0;
  }
  return out;
}

/**
 * The seed's montage: the first rows*cols axial slices tiled left-to-right, top-to-bottom
 * (plot_slices(4, 10, ..., data[:, :, :40])); slots past the last slice stay black.
 */
export function montage(v: Volume, rows: number, cols: number): Slice {
  const [nx, ny, nz] = v.shape;
  const width = cols * nx;
  const height = rows * ny;
  const data = new Float32Array(width * height).fill(Number.NaN);
  for (let s = 0; s < Math.min(rows * cols, nz); s++) {
    const sl = extractSlice(v, 'axial', s);
    const x0 = (s % cols) * nx;
    const y0 = Math.floor(s / cols) * ny;
    for (let r = 0; r < ny; r++) data.set(sl.data.subarray(r * nx, (r + 1) * nx), (y0 + r) * width + x0);
  }
  return { width, height, data, pixelAspect: v.spacing[1] / v.spacing[0] || 1 };
}
