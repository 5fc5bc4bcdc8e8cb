import type { Rng } from '@ct3d/core';
import type { Anatomy, VesselSegment } from './anatomy-types.js';

export type { VesselSegment };

type Vec3 = [number, number, number];

function normalize(v: Vec3): Vec3 {
  const len = Math.hypot(v[0], v[1], v[2]) || 1;
  return [v[0] / len, v[1] / len, v[2] / len];
}

/** Turns dir by about `angle` radians toward a random perpendicular direction. */
function bend(dir: Vec3, angle: number, rng: Rng): Vec3 {
  const r: Vec3 = normalize([rng.normal(), rng.normal(), rng.normal()]);
  const dot = r[0] * dir[0] + r[1] * dir[1] + r[2] * dir[2];
  const perp = normalize([r[0] - dot * dir[0], r[1] - dot * dir[1], r[2] - dot * dir[2]]);
  const t = Math.tan(angle);
  return normalize([dir[0] + t * perp[0], dir[1] + t * perp[1], dir[2] + t * perp[2]]);
}

interface Branch {
  at: Vec3; // mm
  dir: Vec3;
  length: number; // mm
  radius: number; // mm
  depth: number;
}

/** Vessel trees from each hilum: roots fan out, each branch splits in two, thinner and shorter. */
export function growVesselTrees(a: Anatomy, rng: Rng): VesselSegment[] {
  const mm = a.pixelMm;
  const fovMm = a.n * mm;
  const rootRadius = 4.5;
  const out: VesselSegment[] = [];
  for (const side of [-1, 1]) {
    const hilum: Vec3 = [
      (a.cx + side * (a.lungDx - 0.55 * a.lungA)) * mm,
      (a.cy + 0.02 * a.n) * mm,
      0.55 * (a.nz - 1) * a.sliceMm,
    ];
    const roots: Vec3[] = [
      [side, 0, 0],
      [side * 0.6, 0, 0.8],
      [side * 0.6, 0, -0.8],
      [side * 0.6, 0.7, -0.2],
      [side * 0.5, -0.7, -0.3],
      [side * 0.7, 0.5, 0.5],
      [side * 0.7, -0.5, 0.5],
      [side * 0.5, 0.3, -0.8],
    ];
    const stack: Branch[] = roots.map((d) => ({
      at: hilum,
      dir: bend(normalize(d), rng.uniform(0, 0.3), rng),
      length: fovMm * rng.uniform(0.08, 0.12),
      radius: rootRadius * rng.uniform(0.8, 1.1),
      depth: 6,
    }));
    while (stack.length > 0) {
      const b = stack.pop()!;
      const end: Vec3 = [
        b.at[0] + b.dir[0] * b.length,
        b.at[1] + b.dir[1] * b.length,
        b.at[2] + b.dir[2] * b.length,
      ];
      const rel = b.radius / rootRadius;
      out.push({
        ax: b.at[0] / mm,
        ay: b.at[1] / mm,
        az: b.at[2],
        bx: end[0] / mm,
        by: end[1] / mm,
        bz: end[2],
        r: b.radius / mm,
        // Thin vessels are partial-volumed in 8 mm slices, so they look fainter.
        hu: Math.min(200, -450 + 650 * rel ** 0.7 + rng.uniform(0, 50)),
      });
      if (b.depth === 0) continue;
      for (let c = 0; c < 2; c++) {
        stack.push({
          at: end,
          dir: bend(b.dir, rng.uniform(0.3, 0.7), rng),
          length: b.length * rng.uniform(0.65, 0.85),
          radius: b.radius * rng.uniform(0.65, 0.78),
          depth: b.depth - 1,
        });
      }
    }
  }
  return out;
}

/** Draws the part of each segment inside slab [zLo, zHi] (mm) as discs, brightening lung pixels only. */
export function drawVessels(
  slice: Float32Array,
  lung: Uint8Array,
  n: number,
  segments: readonly VesselSegment[],
  zLo: number,
  zHi: number,
): void {
  for (const s of segments) {
    if (Math.max(s.az, s.bz) < zLo || Math.min(s.az, s.bz) > zHi) continue;
    let t0 = 0;
    let t1 = 1;
    if (s.bz !== s.az) {
      const u0 = (zLo - s.az) / (s.bz - s.az);
      const u1 = (zHi - s.az) / (s.bz - s.az);
      t0 = Math.max(0, Math.min(u0, u1));
      t1 = Math.min(1, Math.max(u0, u1));
      if (t0 > t1) continue;
    }
    const x0 = s.ax + (s.bx - s.ax) * t0;
    const y0 = s.ay + (s.by - s.ay) * t0;
    const x1 = s.ax + (s.bx - s.ax) * t1;
    const y1 = s.ay + (s.by - s.ay) * t1;
    const r = Math.max(0.5, s.r);
    const steps = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / Math.max(0.5, r * 0.7)));
    for (let i = 0; i <= steps; i++) {
      const f = i / steps;
      drawDisc(slice, lung, n, x0 + (x1 - x0) * f, y0 + (y1 - y0) * f, r, s.hu);
    }
  }
}

function drawDisc(
  slice: Float32Array,
  lung: Uint8Array,
  n: number,
  x: number,
  y: number,
  r: number,
  hu: number,
) {
  const r2 = r * r;
  const xa = Math.max(0, Math.ceil(x - r));
  const xb = Math.min(n - 1, Math.floor(x + r));
  const ya = Math.max(0, Math.ceil(y - r));
  const yb = Math.min(n - 1, Math.floor(y + r));
  for (let py = ya; py <= yb; py++) {
    const dy2 = (py - y) * (py - y);
    for (let px = xa; px <= xb; px++) {
      const idx = py * n + px;
      if (lung[idx] && (px - x) * (px - x) + dy2 <= r2 && slice[idx] < hu) slice[idx] = hu;
    }
  }
}
