import { type Anatomy, HU, lungScale } from './anatomy.js';
import { drawVessels } from './vessels.js';

/** Fill of an ellipse stamp: `outer` where the normalised squared radius exceeds `split`, else `inner`. */
interface Fill {
  inner: number;
  outer: number;
  split: number;
}

const solid = (hu: number): Fill => ({ inner: hu, outer: hu, split: 1 });
const BONE: Fill = { inner: HU.boneMarrow, outer: HU.boneCortex, split: 0.45 };

/** Paints an ellipse (semi-axes ax, ay rotated by theta), displacing any lung under it. */
function stampEllipse(
  slice: Float32Array,
  lung: Uint8Array,
  n: number,
  e: { x: number; y: number; ax: number; ay: number; theta?: number },
  fill: Fill,
): void {
  const cos = Math.cos(e.theta ?? 0);
  const sin = Math.sin(e.theta ?? 0);
  const reach = Math.max(e.ax, e.ay);
  const [xa, xb] = [Math.max(0, Math.ceil(e.x - reach)), Math.min(n - 1, Math.floor(e.x + reach))];
  const [ya, yb] = [Math.max(0, Math.ceil(e.y - reach)), Math.min(n - 1, Math.floor(e.y + reach))];
  const { inner, outer, split } = fill;
  for (let py = ya; py <= yb; py++) {
    for (let px = xa; px <= xb; px++) {
      const dx = px - e.x;
      const dy = py - e.y;
      const u = (dx * cos + dy * sin) / e.ax;
      const v = (dy * cos - dx * sin) / e.ay;
      const d2 = u * u + v * v;
      if (d2 > 1) continue;
      slice[py * n + px] = d2 > split ? outer : inner;
      lung[py * n + px] = 0;
    }
  }
}

/** Fills [c - w, c + w] of one row (clipped to [lo, hi]) with `value`. */
function fillSpan(
  arr: Float32Array | Uint8Array,
  row: number,
  c: number,
  w: number,
  lo: number,
  hi: number,
  value: number,
) {
  const a = Math.max(lo, Math.ceil(c - w));
  const b = Math.min(hi, Math.floor(c + w));
  if (b >= a) arr.fill(value, row + a, row + b + 1);
}

/** Air, body with fat rim and soft tissue, and the two lungs (recorded in `lung`), as row spans. */
function paintBodyAndLungs(a: Anatomy, k: number, t: number, slice: Float32Array, lung: Uint8Array): void {
  const { n } = a;
  const bodyScale = 0.96 + 0.04 * Math.sin(Math.PI * t);
  const A = a.bodyA * bodyScale;
  const B = a.bodyB * bodyScale;
  const ls = lungScale(t);
  const la = a.lungA * ls;
  const lb = a.lungB * ls;
  const dx = a.lungDx * (0.85 + 0.15 * ls);
  const lcy = a.cy + 0.01 * n + a.jitter[2 * k + 1];
  slice.fill(HU.air);
  lung.fill(0);
  for (let y = 0; y < n; y++) {
    const ey2 = ((y - a.cy) / B) ** 2;
    if (ey2 > 1) continue;
    const row = y * n;
    fillSpan(slice, row, a.cx, A * Math.sqrt(1 - ey2), 0, n - 1, HU.fat);
    const fat2 = a.fatRim * a.fatRim;
    if (ey2 > fat2) continue;
    const innerW = A * Math.sqrt(fat2 - ey2);
    fillSpan(slice, row, a.cx, innerW, 0, n - 1, HU.soft);
    const ly2 = lb > 0 ? ((y - lcy) / lb) ** 2 : 2;
    if (ly2 >= 1) continue;
    // Dependent (posterior, low j) lung is denser; some lungs have a thin atelectatic band there.
    const fromBack = (y - (lcy - lb)) / (2 * lb);
    let lungHU = HU.lung + a.dependentHU * Math.max(0, 1 - fromBack);
    if (a.atelectasisHU > 0 && fromBack < 0.08) lungHU += a.atelectasisHU * (1 - fromBack / 0.08);
    const lw = la * Math.sqrt(1 - ly2);
    const lo = Math.ceil(a.cx - innerW);
    const hi = Math.floor(a.cx + innerW);
    for (const side of [-1, 1]) {
      const c = a.cx + side * dx + a.jitter[2 * k];
      fillSpan(slice, row, c, lw, lo, hi, lungHU);
      fillSpan(lung, row, c, lw, lo, hi, 1);
    }
  }
}

/** Heart, aorta, trachea, spine, sternum and ribs: drawn over the lungs, which they displace. */
function paintStructures(a: Anatomy, k: number, t: number, slice: Float32Array, lung: Uint8Array): void {
  const { n, cx, cy } = a;
  const B = a.bodyB * (0.96 + 0.04 * Math.sin(Math.PI * t));
  const A = a.bodyA * (0.96 + 0.04 * Math.sin(Math.PI * t));
  const mm = 1 / a.pixelMm;
  if (t < 0.3) {
    // Liver dome under the right lung base (patient right = low i in LAS).
    const r = 0.24 * n * Math.sqrt(1 - t / 0.3);
    stampEllipse(
      slice,
      lung,
      n,
      { x: cx - 0.13 * n, y: cy + 0.01 * n, ax: r, ay: r * 0.95 },
      solid(HU.liver),
    );
  }
  if (t > 0.15 && t < 0.7) {
    const hs = Math.sqrt(Math.sin((Math.PI * (t - 0.15)) / 0.55));
    const heart = { x: cx + 0.05 * n, y: cy + 0.06 * n, ax: 0.17 * n * hs, ay: 0.12 * n * hs, theta: 0.5 };
    stampEllipse(slice, lung, n, heart, solid(HU.blood));
  }
  if (t > 0.15 && t < 0.75) {
    stampEllipse(
      slice,
      lung,
      n,
      { x: cx + 0.045 * n, y: cy - 0.45 * B, ax: 0.025 * n, ay: 0.025 * n },
      solid(HU.blood),
    );
  }
  if (t > 0.7) {
    stampEllipse(slice, lung, n, { x: cx, y: cy + 0.1 * B, ax: 0.022 * n, ay: 0.02 * n }, solid(HU.air));
  }
  stampEllipse(slice, lung, n, { x: cx, y: cy - 0.58 * B, ax: 0.15 * B, ay: 0.14 * B }, BONE);
  stampEllipse(slice, lung, n, { x: cx, y: cy - 0.8 * B, ax: 0.065 * B, ay: 0.06 * B }, solid(20));
  stampEllipse(slice, lung, n, { x: cx, y: cy - 0.9 * B, ax: 0.03 * B, ay: 0.06 * B }, BONE);
  if (t > 0.35 && t < 0.9) {
    stampEllipse(slice, lung, n, { x: cx, y: cy + 0.85 * B, ax: 0.09 * B, ay: 0.04 * B }, BONE);
  }
  // Ribs: cross-sections around the chest wall whose angles drift from slice to slice (ribs slope).
  const phase = (a.ribPhase + k * 0.37) % 1;
  for (let m = 0; m < a.ribsPerSide; m++) {
    const phi = ((-80 + ((m + phase) / a.ribsPerSide) * 150) * Math.PI) / 180;
    for (const side of [-1, 1]) {
      const x = cx + side * Math.cos(phi) * A * 0.86;
      const y = cy + Math.sin(phi) * B * 0.84;
      const tangent = Math.atan2(Math.cos(phi) * B, -side * Math.sin(phi) * A);
      stampEllipse(
        slice,
        lung,
        n,
        { x, y, ax: Math.max(0.7, 6 * mm), ay: Math.max(0.6, 3.5 * mm), theta: tangent },
        BONE,
      );
    }
  }
}

/**
 * Ground-glass opacities: each ellipsoid raises lung pixels toward its target HU with a soft edge; `mask`,
 * when given, gets 1 where an opacity raised a pixel (the lesion mask `ct3d synth --masks` writes).
 */
function paintOpacities(
  a: Anatomy,
  zMm: number,
  slice: Float32Array,
  lung: Uint8Array,
  mask?: Uint8Array,
): void {
  const { n } = a;
  for (const o of a.opacities) {
    const dz = (zMm - o.z) / o.rz;
    const dz2 = dz * dz;
    if (dz2 >= 1) continue;
    const s = Math.sqrt(1 - dz2);
    const [xa, xb] = [Math.max(0, Math.ceil(o.x - o.rx * s)), Math.min(n - 1, Math.floor(o.x + o.rx * s))];
    const [ya, yb] = [Math.max(0, Math.ceil(o.y - o.ry * s)), Math.min(n - 1, Math.floor(o.y + o.ry * s))];
    for (let py = ya; py <= yb; py++) {
      const v = (py - o.y) / o.ry;
      const base = v * v + dz2;
      for (let px = xa; px <= xb; px++) {
        const idx = py * n + px;
        const u = (px - o.x) / o.rx;
        const d2 = u * u + base;
        if (!lung[idx] || d2 >= 1) continue;
        const w = 1 - d2 * d2;
        const hu = HU.lung + (o.targetHU - HU.lung) * w;
        if (hu > slice[idx]) {
          slice[idx] = hu;
          if (mask) mask[idx] = 1;
        }
      }
    }
  }
}

/**
 * Renders slice k (noise-free HU) into `slice`; `lung` is scratch space for the lung mask; `lesions`, when
 * given, is set to 1 where an opacity was drawn (vessels drawn over it stay in the mask).
 */
export function renderSlice(
  a: Anatomy,
  k: number,
  slice: Float32Array,
  lung: Uint8Array,
  lesions?: Uint8Array,
): void {
  const t = a.nz > 1 ? k / (a.nz - 1) : 0.5;
  const zMm = k * a.sliceMm;
  paintBodyAndLungs(a, k, t, slice, lung);
  paintStructures(a, k, t, slice, lung);
  paintOpacities(a, zMm, slice, lung, lesions);
  drawVessels(slice, lung, a.n, a.vessels, zMm - a.sliceMm / 2, zMm + a.sliceMm / 2);
}
