// A CT series as one Volume, the way dcm2niix writes it: slices ascending along the slice normal, rows
// flipped (first NIfTI row = last DICOM row), LPS turned to RAS, values = stored x slope + intercept.
import type { Volume } from '@ct3d/core';
import { DicomError } from './errors.js';
import type { DicomInstance, FrameGeometry, Vec3 } from './instance.js';
import type { Samples } from './pixels.js';
import { type DicomSeries, groupSeries } from './series.js';
import { transferSyntaxOf } from './transfer-syntax.js';

export interface DicomVolume extends Volume {
  /** The series' name: safe SeriesDescription plus a hash of its UID (no patient data). */
  name: string;
  /** Any slice was stored with lossy compression (JPEG 2000 lossy, near-lossless JPEG-LS, JPEG baseline). */
  lossy: boolean;
}

interface Slice {
  instance: DicomInstance;
  frame: number;
  geometry: FrameGeometry;
  /** Position along the slice normal, mm. */
  depth: number;
}

const cross = (a: Vec3, b: Vec3): Vec3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];
const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const norm = (a: Vec3) => Math.sqrt(dot(a, a));
/** Steeper than this, slice positions are sheared off the normal (gantry tilt), in degrees. */
const MAX_TILT_DEGREES = 0.1;

function oneSeries(source: DicomSeries | readonly DicomInstance[], label: string): DicomSeries {
  if (!Array.isArray(source)) return source as DicomSeries;
  const { series, skipped } = groupSeries(source as readonly DicomInstance[]);
  if (series.length === 1) return series[0];
  if (series.length === 0) {
    const why = skipped.length > 0 ? `: ${skipped[0].name}: ${skipped[0].reason}` : '';
    throw new DicomError(label, `no CT image among ${source.length} files${why}`);
  }
  const uids = new Set(series.map((s) => s.seriesInstanceUID));
  if (uids.size === 1) {
    const sizes = [...new Set(series.map((s) => s.size.join('x')))];
    const what = sizes.length > 1 ? `image sizes ${sizes.join(', ')}` : 'slice orientations';
    throw new DicomError(label, `mixed ${what} in one series`);
  }
  throw new DicomError(label, `${series.length} series (${series.map((s) => s.name).join(', ')}): pick one`);
}

function slicesOf(series: DicomSeries, label: string): { slices: Slice[]; normal: Vec3 } {
  const first = series.instances[0].frames[0].orientation;
  const row: Vec3 = [first[0], first[1], first[2]];
  const col: Vec3 = [first[3], first[4], first[5]];
  const normal = cross(row, col);
  if (!(Math.abs(norm(normal) - 1) < 0.01)) {
    throw new DicomError(
      label,
      `ImageOrientationPatient [${first.join(', ')}] is not two unit vectors at 90°`,
    );
  }
  const slices = series.instances.flatMap((instance) =>
    instance.frames.map((geometry, frame) => ({
      instance,
      frame,
      geometry,
      depth: dot(geometry.position, normal),
    })),
  );
  slices.sort((a, b) => a.depth - b.depth);
  return { slices, normal };
}

function where(slice: Slice): string {
  return slice.instance.frames.length > 1
    ? `${slice.instance.name} frame ${slice.frame + 1}`
    : slice.instance.name;
}

/** Refuses what one orthogonal affine cannot hold: duplicates, gaps, uneven steps, tilt. Returns the step. */
function checkSpacing(slices: Slice[], normal: Vec3, label: string): number {
  for (let k = 1; k < slices.length; k++) {
    if (slices[k].depth - slices[k - 1].depth < 1e-3) {
      throw new DicomError(
        label,
        `duplicate slice position ${slices[k].depth.toFixed(3)} mm (${where(slices[k - 1])} and ${where(slices[k])}): several volumes or repeated files in one series`,
      );
    }
  }
  if (slices.length < 2) return 1;
  const steps = slices.slice(1).map((s, k) => s.depth - slices[k].depth);
  const median = [...steps].sort((a, b) => a - b)[Math.floor(steps.length / 2)];
  const odd = steps.findIndex((s) => Math.abs(s - median) > Math.max(0.01, 0.01 * median));
  if (odd >= 0) {
    const gap = steps[odd] > 1.5 * median ? ' (a missing slice?)' : '';
    throw new DicomError(
      label,
      `uneven slice spacing: ${steps[odd].toFixed(3)} mm between ${where(slices[odd])} and ${where(slices[odd + 1])}, ${median.toFixed(3)} mm elsewhere${gap}`,
    );
  }
  const span = sub(slices[slices.length - 1].geometry.position, slices[0].geometry.position);
  const along = dot(span, normal);
  const off = norm(sub(span, normal.map((n) => n * along) as Vec3));
  const tilt = (Math.atan2(off, Math.abs(along)) * 180) / Math.PI;
  if (tilt > MAX_TILT_DEGREES) {
    throw new DicomError(
      label,
      `gantry tilt of ${tilt.toFixed(2)}°: slices are sheared off their normal; ct3d refuses tilted series (dcm2niix can resample them)`,
    );
  }
  // As dcm2niix: the step is the distance between the first two slices.
  return norm(sub(slices[1].geometry.position, slices[0].geometry.position));
}

/** The voxel-to-RAS affine of the volume whose slice 0 is `first`, rounded to float32 as NIfTI stores it. */
function seriesAffine(first: FrameGeometry, rows: number, step: number, normal: Vec3): number[][] {
  const o = first.orientation;
  const [rowSpacing, colSpacing] = first.pixelSpacing;
  const alongRow: Vec3 = [o[0] * colSpacing, o[1] * colSpacing, o[2] * colSpacing];
  const alongCol: Vec3 = [o[3] * rowSpacing, o[4] * rowSpacing, o[5] * rowSpacing];
  // NIfTI row j is DICOM row rows-1-j: the origin is the first pixel of the last row, j runs up the column.
  const origin = first.position.map((p, a) => p + (rows - 1) * alongCol[a]);
  const lps = [0, 1, 2].map((a) => [alongRow[a], -alongCol[a], normal[a] * step, origin[a]]);
  const ras = lps.map((r, a) => (a < 2 ? r.map((v) => -v) : r));
  // + 0 turns the -0 of a negated zero into 0 (dcm2niix's header keeps -0; equal as numbers).
  return [...ras.map((r) => r.map((v) => Math.fround(v) + 0)), [0, 0, 0, 1]];
}

/**
 * Slice k of the volume from one frame: rows flipped, stored x slope + intercept (float32 as NIfTI's). 8- and
 * 16-bit values convert to float32 exactly, so each row is copied natively and then scaled in place: the same
 * float32 as scaling the stored value, several times faster than one loop over a union of array types.
 */
function fillSlice(
  data: Float32Array,
  k: number,
  stored: Samples,
  rows: number,
  columns: number,
  slope: number,
  intercept: number,
): void {
  const sliceSize = rows * columns;
  const exact = stored.BYTES_PER_ELEMENT <= 2;
  for (let r = 0; r < rows; r++) {
    const to = k * sliceSize + (rows - 1 - r) * columns;
    const from = r * columns;
    if (exact) {
      data.set(stored.subarray(from, from + columns), to);
    } else {
      for (let c = 0; c < columns; c++) data[to + c] = stored[from + c] * slope + intercept;
    }
  }
  if (exact && (slope !== 1 || intercept !== 0))
    scaleInPlace(data, k * sliceSize, (k + 1) * sliceSize, slope, intercept);
}

function scaleInPlace(
  data: Float32Array,
  start: number,
  end: number,
  slope: number,
  intercept: number,
): void {
  for (let i = start; i < end; i++) data[i] = data[i] * slope + intercept;
}

/**
 * Reads one CT series (a DicomSeries from groupSeries, or the parsed files of one series) into a Volume equal
 * to what ct3d reads from dcm2niix's NIfTI of it. Errors are DicomError naming the series (opts.name, else
 * the series' name) and the reason: mixed sizes, duplicate positions, uneven spacing, tilt, undecodable frames,
 * fewer than opts.minExtent voxels along an axis (checked before any pixel is decoded).
 */
export async function readDicomSeries(
  source: DicomSeries | readonly DicomInstance[],
  opts: { name?: string; minExtent?: number } = {},
): Promise<DicomVolume> {
  const label0 = opts.name ?? (Array.isArray(source) ? (source[0]?.name ?? '<no files>') : '');
  const series = oneSeries(source, label0);
  const label = opts.name ?? series.name;
  const { slices, normal } = slicesOf(series, label);
  const step = checkSpacing(slices, normal, label);
  const [rows, columns] = series.size;
  const shape: [number, number, number] = [columns, rows, slices.length];
  const minExtent = opts.minExtent ?? 1;
  if (shape.some((n) => n < minExtent)) {
    throw new DicomError(
      label,
      `degenerate volume ${shape.join('x')}: a CT scan needs at least ${minExtent} voxels along each axis`,
    );
  }
  const sliceSize = rows * columns;
  const data = new Float32Array(sliceSize * slices.length);
  for (let k = 0; k < slices.length; k++) {
    const { instance, frame, geometry } = slices[k];
    const stored = await instance.readFrame(frame);
    fillSlice(data, k, stored, rows, columns, Math.fround(geometry.slope), Math.fround(geometry.intercept));
  }
  const first = slices[0].geometry;
  const lossy = series.instances.some((i) => transferSyntaxOf(i.transferSyntaxUID)?.lossy === true);
  return {
    data,
    shape,
    spacing: [Math.fround(first.pixelSpacing[1]), Math.fround(first.pixelSpacing[0]), Math.fround(step)],
    affine: seriesAffine(first, rows, step, normal),
    name: series.name,
    lossy,
  };
}
