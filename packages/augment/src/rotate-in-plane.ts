import type { Volume } from '@ct3d/core';
import { splineFilterPlane } from '@ct3d/preprocess/internal';
import { planRotation, type RotationPlan } from './rotation-plan.js';

/** Options of rotateInPlane and randomRotation. */
export interface RotateOptions {
  /** Spline order: 3 (cubic, the seed's default) or 1 (bilinear, cheaper). */
  order?: 1 | 3;
  /** Clip to [0, 1] like the seed's rotate_aug (default true). */
  clip?: boolean;
}

/**
 * The seed's `rotate_aug`: scipy `ndimage.rotate(v, degrees, reshape=False)` in the (i, j) plane of
 * every slice (axes (1, 0), mode 'constant', cval 0, spline prefilter for order 3), then clip to [0, 1].
 * Same shape and spacing; the affine is composed with the voxel rotation.
 */
export function rotateInPlane(v: Volume, degrees: number, opts: RotateOptions = {}): Volume {
  const order = opts.order ?? 3;
  if (order !== 1 && order !== 3)
    throw new Error(`rotateInPlane: unsupported spline order ${String(order)} (use 1 or 3)`);
  if (!Number.isFinite(degrees)) throw new Error(`rotateInPlane: angle must be finite, got ${degrees}`);
  const [nx, ny, nz] = v.shape;
  if (!v.shape.every((n) => Number.isInteger(n) && n > 0) || v.data.length !== nx * ny * nz) {
    throw new Error(
      `rotateInPlane: data length ${v.data.length} does not match shape [${v.shape.join(', ')}]`,
    );
  }
  const plan = planRotation(nx, ny, degrees, order);
  const [lo, hi] = opts.clip === false ? [-Infinity, Infinity] : [0, 1];
  const out = new Float32Array(v.data.length);
  const n = nx * ny;
  if (order === 3) {
    const coeff = new Float64Array(n);
    const scratch = new Float64Array(Math.max(nx, ny));
    for (let k = 0; k < nz; k++) {
      const base = k * n;
      for (let p = 0; p < n; p++) coeff[p] = v.data[base + p];
      splineFilterPlane(coeff, nx, ny, scratch);
      sampleCubic(plan, coeff, 0, out, base, lo, hi);
    }
  } else {
    for (let k = 0; k < nz; k++) sampleLinear(plan, v.data, k * n, out, k * n, lo, hi);
  }
  const [[c, s], [ms, c2]] = plan.matrix;
  const r = [
    [c, s, 0, plan.offset[0]],
    [ms, c2, 0, plan.offset[1]],
    [0, 0, 1, 0],
    [0, 0, 0, 1],
  ];
  return { data: out, shape: [nx, ny, nz], spacing: [...v.spacing], affine: matmul4(v.affine, r) };
}

/** 4x4 cubic taps per output pixel from the prefiltered plane, clipped to [lo, hi]. */
function sampleCubic(
  plan: RotationPlan,
  c: Float64Array,
  cBase: number,
  out: Float32Array,
  oBase: number,
  lo: number,
  hi: number,
): void {
  const { inside, start, xi, yo, wx, wy, nx } = plan;
  const n = inside.length;
  for (let p = 0; p < n; p++) {
    const kind = inside[p];
    if (kind === 0) continue;
    const at = p * 4;
    const a0 = wx[at];
    const a1 = wx[at + 1];
    const a2 = wx[at + 2];
    const a3 = wx[at + 3];
    let t = 0;
    if (kind === 1) {
      // Interior: the 4x4 taps are contiguous rows of the plane.
      let r = cBase + start[p];
      for (let b = 0; b < 4; b++, r += nx) {
        t += wy[at + b] * (a0 * c[r] + a1 * c[r + 1] + a2 * c[r + 2] + a3 * c[r + 3]);
      }
    } else {
      const x0 = cBase + xi[at];
      const x1 = cBase + xi[at + 1];
      const x2 = cBase + xi[at + 2];
      const x3 = cBase + xi[at + 3];
      for (let b = 0; b < 4; b++) {
        const row = yo[at + b];
        t += wy[at + b] * (a0 * c[row + x0] + a1 * c[row + x1] + a2 * c[row + x2] + a3 * c[row + x3]);
      }
    }
    out[oBase + p] = Math.min(Math.max(t, lo), hi);
  }
}

/** 2x2 linear taps straight from the float32 slice (order 1 needs no prefilter), clipped to [lo, hi]. */
function sampleLinear(
  plan: RotationPlan,
  src: Float32Array,
  sBase: number,
  out: Float32Array,
  oBase: number,
  lo: number,
  hi: number,
): void {
  const { inside, xi, yo, wx, wy } = plan;
  const n = inside.length;
  for (let p = 0; p < n; p++) {
    if (!inside[p]) continue;
    const at = p * 2;
    const r0 = sBase + yo[at];
    const r1 = sBase + yo[at + 1];
    const x0 = xi[at];
    const x1 = xi[at + 1];
    const t =
      wy[at] * (wx[at] * src[r0 + x0] + wx[at + 1] * src[r0 + x1]) +
      wy[at + 1] * (wx[at] * src[r1 + x0] + wx[at + 1] * src[r1 + x1]);
    out[oBase + p] = Math.min(Math.max(t, lo), hi);
  }
}

function matmul4(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, x, k) => s + x * b[k][j], 0)));
}
