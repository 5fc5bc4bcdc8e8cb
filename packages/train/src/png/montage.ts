import { Raster } from './raster.js';

/**
 * One scan's voxels: 'channels-last' is a Batch sample ([w, h, d(, 1)], depth fastest, as the model sees
 * it); 'nifti' is a Volume's data (i fastest: index = i + w * (j + h * k)).
 */
export interface MontageScan {
  data: Float32Array;
  shape: readonly [number, number, number];
  layout: 'channels-last' | 'nifti';
}

export interface MontageOptions {
  /** Grid of slices (default 4 x 10 = the seed's first 40 slices); shrunk when the scan has fewer. */
  rows?: number;
  columns?: number;
  /** Integer nearest-neighbour zoom per slice pixel (default: enough to make slices >= 96 px). */
  scale?: number;
}

/** The sample `index` of a batch as a montage input ([b, w, h, d, 1] depth fastest). */
export function batchSample(batch: { x: Float32Array; shape: readonly number[] }, index = 0): MontageScan {
  const [b, w, h, d] = batch.shape;
  if (!(index >= 0 && index < b)) throw new RangeError(`batchSample: index ${index} outside batch of ${b}`);
  const n = w * h * d;
  return { data: batch.x.subarray(index * n, (index + 1) * n), shape: [w, h, d], layout: 'channels-last' };
}

function voxelReader(scan: MontageScan): (i: number, j: number, k: number) => number {
  const [w, h, d] = scan.shape;
  if (scan.data.length < w * h * d) {
    throw new RangeError(`montage: ${scan.data.length} voxels do not fill shape [${w}, ${h}, ${d}]`);
  }
  return scan.layout === 'nifti'
    ? (i, j, k) => scan.data[i + w * (j + h * k)]
    : (i, j, k) => scan.data[(i * h + j) * d + k];
}

/**
 * The seed's plot_slices(4, 10, ..., image[:, :, :40]): slice k is shown as np.rot90 then transposed, i.e.
 * pixel (row r, column c) = volume[r, h - 1 - c, k]; each slice is grey-scaled between its own min and max
 * (imshow's default normalisation; a constant slice is black); no gaps between slices.
 */
export function renderMontage(scan: MontageScan, opts: MontageOptions = {}): Raster {
  const [w, h, d] = scan.shape;
  const read = voxelReader(scan);
  const columns = Math.min(opts.columns ?? 10, d);
  const rows = Math.min(opts.rows ?? 4, Math.ceil(d / columns));
  const scale = opts.scale ?? Math.max(1, Math.ceil(96 / Math.max(w, h)));
  // Slice image: w rows (first axis) by h columns.
  const r = new Raster(columns * h * scale, rows * w * scale, [0, 0, 0]);
  for (let k = 0; k < Math.min(rows * columns, d); k++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < w; i++) {
      for (let j = 0; j < h; j++) {
        const v = read(i, j, k);
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    const range = hi - lo;
    const ox = (k % columns) * h * scale;
    const oy = Math.floor(k / columns) * w * scale;
    for (let row = 0; row < w; row++) {
      for (let col = 0; col < h; col++) {
        const v = read(row, h - 1 - col, k);
        const g = range > 0 && Number.isFinite(v) ? Math.round(((v - lo) / range) * 255) : 0;
        r.fillRect(ox + col * scale, oy + row * scale, scale, scale, [g, g, g]);
      }
    }
  }
  return r;
}
