import { mirrorIndex } from '@ct3d/preprocess/internal';
/**
 * Everything about scipy's `ndimage.rotate(v, angle, axes=(1, 0), reshape=False, mode='constant')`
 * that depends only on the in-plane shape, computed once and reused for every slice: for each output
 * pixel, whether it samples inside the input, the tap indices (mirrored at the edges) and the spline
 * weights along i and j.
 */
export interface RotationPlan {
  nx: number;
  ny: number;
  order: 1 | 3;
  /** Taps per axis (order + 1). */
  taps: number;
  /** Input rotation matrix rows and offset: input = M @ output + offset (voxel coordinates). */
  matrix: [[number, number], [number, number]];
  offset: [number, number];
  /**
   * Per pixel: 0 outside [0, nx-1] x [0, ny-1] (the output is 0), 1 when all taps are in range
   * (they are start + a + nx * b), 2 at the edges (use the mirrored xi / yo tables).
   */
  inside: Uint8Array;
  /** Per pixel: index of the first tap, sx + nx * sy (meaningful where inside is 1). */
  start: Int32Array;
  /** Per pixel: `taps` i indices and `taps` row offsets (j * nx), mirrored at the edges. */
  xi: Int32Array;
  yo: Int32Array;
  /** Per pixel: `taps` weights along i and along j. */
  wx: Float64Array;
  wy: Float64Array;
}

/** cos and sin of an angle in degrees, exact at multiples of 90 like scipy's cosdg/sindg. */
export function cosSinDegrees(degrees: number): [number, number] {
  const quarter = degrees / 90;
  if (Number.isInteger(quarter)) {
    const q = ((quarter % 4) + 4) % 4;
    return [
      [1, 0],
      [0, 1],
      [-1, 0],
      [0, -1],
    ][q] as [number, number];
  }
  const r = (degrees * Math.PI) / 180;
  return [Math.cos(r), Math.sin(r)];
}

/** scipy's spline weights (ni_splines.c) for the order + 1 taps starting at floor(x) - order / 2. */
export function splineWeights(x: number, order: 1 | 3, w: Float64Array, at: number): void {
  const y = x - Math.floor(x);
  if (order === 1) {
    w[at] = 1 - y;
    w[at + 1] = 1 - w[at];
    return;
  }
  const z = 1 - y;
  const w1 = (y * y * (y - 2) * 3 + 4) / 6;
  const w2 = (z * z * (z - 2) * 3 + 4) / 6;
  const w0 = (z * z * z) / 6;
  w[at] = w0;
  w[at + 1] = w1;
  w[at + 2] = w2;
  w[at + 3] = 1 - w0 - w1 - w2;
}

export function planRotation(nx: number, ny: number, degrees: number, order: 1 | 3): RotationPlan {
  const [c, s] = cosSinDegrees(degrees);
  // scipy: offset = in_center - R @ out_center, centres at (n - 1) / 2 (same shape in and out).
  const h0 = (nx - 1) / 2;
  const h1 = (ny - 1) / 2;
  const offset: [number, number] = [h0 - (c * h0 + s * h1), h1 - (-s * h0 + c * h1)];
  const taps = order + 1;
  const n = nx * ny;
  const plan: RotationPlan = {
    nx,
    ny,
    order,
    taps,
    matrix: [
      [c, s],
      [-s, c],
    ],
    offset,
    inside: new Uint8Array(n),
    start: new Int32Array(n),
    xi: new Int32Array(n * taps),
    yo: new Int32Array(n * taps),
    wx: new Float64Array(n * taps),
    wy: new Float64Array(n * taps),
  };
  const back = order === 3 ? 1 : 0;
  for (let o1 = 0; o1 < ny; o1++) {
    for (let o0 = 0; o0 < nx; o0++) {
      // Same float64 operation order as scipy's NI_GeometricTransform, so edge decisions agree.
      const x = o0 * c + o1 * s + offset[0];
      const y = o0 * -s + o1 * c + offset[1];
      if (x < 0 || x > nx - 1 || y < 0 || y > ny - 1) continue;
      const p = o0 + nx * o1;
      const at = p * taps;
      splineWeights(x, order, plan.wx, at);
      splineWeights(y, order, plan.wy, at);
      const sx = Math.floor(x) - back;
      const sy = Math.floor(y) - back;
      for (let t = 0; t < taps; t++) {
        plan.xi[at + t] = mirrorIndex(sx + t, nx);
        plan.yo[at + t] = mirrorIndex(sy + t, ny) * nx;
      }
      const interior = sx >= 0 && sy >= 0 && sx + order < nx && sy + order < ny;
      plan.inside[p] = interior ? 1 : 2;
      plan.start[p] = sx + nx * sy;
    }
  }
  return plan;
}
