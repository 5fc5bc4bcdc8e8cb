// Draws axial, coronal and sagittal slices of the preprocessed scan in a CT window, with the Grad-CAM heat
// map blended over them. Volumes are i fastest ([w, h, d]); values are in [0, 1] of the model's HU window.

export interface CtWindow {
  /** Window level and width in HU (lung: -600 / 1500, mediastinum: 50 / 350). */
  level: number;
  width: number;
}

export const WINDOWS: Record<string, CtWindow> = {
  lung: { level: -600, width: 1500 },
  mediastinum: { level: 50, width: 350 },
};

export type Plane = 'axial' | 'coronal' | 'sagittal';
export const PLANES: readonly Plane[] = ['axial', 'coronal', 'sagittal'];

export interface SliceSource {
  volume: Float32Array;
  shape: [number, number, number];
  /** The model's HU window: value 0 is `min` HU, 1 is `max`. */
  hu: { min: number; max: number };
  cam?: Float32Array;
}

/**
 * Each plane's slicing axis, its (columns, rows) axes and whether row 0 is the last index. The volume is the
 * model's input (after the seed's 90 degree turn); axial slices are shown as the seed plots them
 * (`imshow(volume[:, :, k])`: rows = axis 0 from the top), the other two with the last slice (superior) up.
 */
const AXES: Record<Plane, { through: 0 | 1 | 2; cols: 0 | 1 | 2; rows: 0 | 1 | 2; lastUp: boolean }> = {
  axial: { through: 2, cols: 1, rows: 0, lastUp: false },
  coronal: { through: 0, cols: 1, rows: 2, lastUp: true },
  sagittal: { through: 1, cols: 0, rows: 2, lastUp: true },
};

export function sliceCount(plane: Plane, shape: [number, number, number]): number {
  return shape[AXES[plane].through];
}

/** Jet-like colour of t in [0, 1]: blue, cyan, yellow, red. */
function heat(t: number): [number, number, number] {
  const r = Math.min(1, Math.max(0, 1.5 - Math.abs(4 * t - 3)));
  const g = Math.min(1, Math.max(0, 1.5 - Math.abs(4 * t - 2)));
  const b = Math.min(1, Math.max(0, 1.5 - Math.abs(4 * t - 1)));
  return [255 * r, 255 * g, 255 * b];
}

/** Renders slice `index` of `plane` into `canvas` (resized to the slice), overlaying the cam at `opacity`. */
export function drawSlice(
  canvas: HTMLCanvasElement,
  src: SliceSource,
  plane: Plane,
  index: number,
  window: CtWindow,
  opacity: number,
): void {
  const { through, cols, rows, lastUp } = AXES[plane];
  const [nx, ny] = src.shape;
  const w = src.shape[cols];
  const h = src.shape[rows];
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const image = ctx.createImageData(w, h);
  const lo = window.level - window.width / 2;
  const span = src.hu.max - src.hu.min;
  const at = [0, 0, 0];
  at[through] = index;
  for (let r = 0; r < h; r++) {
    at[rows] = lastUp ? h - 1 - r : r;
    for (let c = 0; c < w; c++) {
      at[cols] = c;
      const voxel = at[0] + nx * (at[1] + ny * at[2]);
      const hu = src.hu.min + src.volume[voxel] * span;
      const grey = Math.min(255, Math.max(0, ((hu - lo) / window.width) * 255));
      const o = 4 * (r * w + c);
      let rgb: [number, number, number] = [grey, grey, grey];
      const t = src.cam ? src.cam[voxel] : 0;
      if (t > 0) {
        const alpha = opacity * t;
        const hot = heat(t);
        rgb = [0, 1, 2].map((k) => (1 - alpha) * grey + alpha * hot[k]) as [number, number, number];
      }
      image.data.set([rgb[0], rgb[1], rgb[2], 255], o);
    }
  }
  ctx.putImageData(image, 0, 0);
}
