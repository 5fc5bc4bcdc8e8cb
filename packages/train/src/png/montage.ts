import { Raster } from './raster.js';
import type { MontageScan } from './sample.js';

export { batchSample, type MontageScan } from './sample.js';

export interface MontageOptions {
  /** Grid of axial tiles (default 4 x 10 = the seed's first 40 slices); shrunk when the scan has fewer. */
  rows?: number;
  columns?: number;
  /** Integer nearest-neighbour zoom per voxel of the finest spacing (default: slices >= 96 px). */
  scale?: number;
  /** The voxel the coronal and sagittal tiles pass through (NiiVue's crosshair; default the middle). */
  through?: readonly [number, number, number];
}

type Reader = (v: readonly number[]) => number;

function voxelReader(scan: MontageScan): Reader {
  const [w, h, d] = scan.shape;
  if (scan.data.length < w * h * d) {
    throw new RangeError(`montage: ${scan.data.length} voxels do not fill shape [${w}, ${h}, ${d}]`);
  }
  return scan.layout === 'nifti'
    ? ([i, j, k]) => scan.data[i + w * (j + h * k)]
    : ([i, j, k]) => scan.data[(i * h + j) * d + k];
}

/** For world axis x, y, z (R, A, S): the voxel axis that runs closest along it, its direction, its spacing. */
interface WorldAxis {
  voxel: number;
  sign: 1 | -1;
  spacing: number;
}

/** The voxel axes nearest R, A and S (each voxel axis used once, the most aligned pair first). */
export function worldAxes(
  affine: readonly (readonly number[])[] | undefined,
): [WorldAxis, WorldAxis, WorldAxis] {
  const m = affine ?? [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ];
  const spacing = [0, 1, 2].map((v) => Math.hypot(m[0][v], m[1][v], m[2][v]) || 1);
  const pairs = [0, 1, 2]
    .flatMap((w) => [0, 1, 2].map((v) => ({ w, v, c: m[w][v] / spacing[v] })))
    .sort((a, b) => Math.abs(b.c) - Math.abs(a.c));
  const out: WorldAxis[] = [];
  const used = new Set<number>();
  for (const { w, v, c } of pairs) {
    if (out[w] || used.has(v)) continue;
    out[w] = { voxel: v, sign: c < 0 ? -1 : 1, spacing: spacing[v] };
    used.add(v);
  }
  return out as [WorldAxis, WorldAxis, WorldAxis];
}

/** A plane as NiiVue draws it by default (neurological): world axis across (left to right) and up. */
const PLANES = {
  // Axial: the patient's left on the left (R increases rightwards), anterior up.
  axial: { across: 0, up: 1, through: 2 },
  coronal: { across: 0, up: 2, through: 1 },
  // Sagittal: nose right (NiiVue's sagittalNoseLeft is off), superior up.
  sagittal: { across: 1, up: 2, through: 0 },
} as const;

type Plane = keyof typeof PLANES;

/**
 * Draws voxel slice `index` (along the voxel axis nearest the plane's normal) at (x0, y0), each voxel a
 * block of its physical size in pixels (`px` pixels per mm); grey between the tile's own min and max
 * (imshow's default normalisation; a constant tile is black).
 */
function drawTile(
  r: Raster,
  read: Reader,
  shape: readonly number[],
  axes: WorldAxis[],
  plane: Plane,
  index: number,
  at: { x0: number; y0: number; px: number },
): void {
  const { across, up, through } = PLANES[plane];
  const [a, u] = [axes[across], axes[up]];
  const [na, nu] = [shape[a.voxel], shape[u.voxel]];
  const voxel = (c: number, row: number) => {
    const v = [0, 0, 0];
    v[axes[through].voxel] = index;
    v[a.voxel] = a.sign > 0 ? c : na - 1 - c; // increasing world coordinate to the right
    v[u.voxel] = u.sign > 0 ? nu - 1 - row : row; // increasing world coordinate upwards
    return v;
  };
  let lo = Infinity;
  let hi = -Infinity;
  for (let row = 0; row < nu; row++)
    for (let c = 0; c < na; c++) {
      const v = read(voxel(c, row));
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  const range = hi - lo;
  const [w, h] = [at.px * a.spacing, at.px * u.spacing];
  for (let row = 0; row < nu; row++)
    for (let c = 0; c < na; c++) {
      const v = read(voxel(c, row));
      const g = range > 0 && Number.isFinite(v) ? Math.round(((v - lo) / range) * 255) : 0;
      const x = Math.round(at.x0 + c * w);
      const y = Math.round(at.y0 + row * h);
      r.fillRect(x, y, Math.round(at.x0 + (c + 1) * w) - x, Math.round(at.y0 + (row + 1) * h) - y, [g, g, g]);
    }
}

/**
 * The seed's plot_slices(4, 10, ..., image[:, :, :40]) oriented as NiiVue shows the scan: the first
 * rows x columns slices along the voxel axis nearest S-I as axial tiles, then one row with the coronal and
 * the sagittal slice through `opts.through` (the middle of the scan). Each tile is in NiiVue's default (neurological)
 * convention: patient's left on the left, anterior (axial) or superior (coronal, sagittal) up, nose right
 * (sagittal), voxels at their physical size. No gaps between tiles.
 */
export function renderMontage(scan: MontageScan, opts: MontageOptions = {}): Raster {
  const read = voxelReader(scan);
  const axes = worldAxes(scan.affine);
  const shape = scan.shape;
  const size = (w: 0 | 1 | 2) => shape[axes[w].voxel] * axes[w].spacing; // mm along world axis w
  const slices = shape[axes[2].voxel];
  const columns = Math.min(opts.columns ?? 10, slices);
  const rows = Math.min(opts.rows ?? 4, Math.ceil(slices / columns));
  const finest = Math.min(...axes.map((a) => a.spacing));
  const inPlane = Math.max(shape[axes[0].voxel], shape[axes[1].voxel]);
  const scale = opts.scale ?? Math.max(1, Math.ceil(96 / inPlane));
  const px = scale / finest; // pixels per mm
  const [tileW, tileH] = [Math.round(size(0) * px), Math.round(size(1) * px)];
  const lastRowW = Math.round((size(0) + size(1)) * px);
  const lastRowH = Math.round(size(2) * px);
  const r = new Raster(Math.max(columns * tileW, lastRowW), rows * tileH + lastRowH, [0, 0, 0]);
  for (let s = 0; s < Math.min(rows * columns, slices); s++) {
    const at = { x0: (s % columns) * tileW, y0: Math.floor(s / columns) * tileH, px };
    drawTile(r, read, shape, axes, 'axial', s, at);
  }
  const through = opts.through ?? shape.map((n) => Math.floor(n / 2));
  const y0 = rows * tileH;
  drawTile(r, read, shape, axes, 'coronal', through[axes[1].voxel], { x0: 0, y0, px });
  const x0 = Math.round(size(0) * px);
  drawTile(r, read, shape, axes, 'sagittal', through[axes[0].voxel], { x0, y0, px });
  return r;
}
