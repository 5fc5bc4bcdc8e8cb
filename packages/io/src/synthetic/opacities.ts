import { createRng, type Rng } from '@ct3d/core';
import type { Anatomy, Opacity } from './anatomy.js';
import type { FamilyRanges } from './families.js';
import { renderSlice } from './render-slice.js';

/** A lung pixel of slice k, the more lateral of two random picks (viral GGOs favour the periphery). */
function lungPixel(a: Anatomy, k: number, rng: Rng): { x: number; y: number } | undefined {
  const slice = new Float32Array(a.n * a.n);
  const lung = new Uint8Array(a.n * a.n);
  renderSlice(a, k, slice, lung);
  const pixels: number[] = [];
  for (let i = 0; i < lung.length; i++) if (lung[i]) pixels.push(i);
  if (pixels.length === 0) return undefined;
  const [p, q] = [rng.pick(pixels), rng.pick(pixels)];
  const lateral = (i: number) => Math.abs((i % a.n) - a.cx);
  const best = lateral(p) >= lateral(q) ? p : q;
  return { x: best % a.n, y: Math.floor(best / a.n) };
}

/**
 * (The 'standard' family's numbers; other families draw from their own ranges, see families.ts.)
 * 5-10 ground-glass blobs of varied size and density centred on real lung pixels. The first four are always
 * large; later ones may be small and faint. Together they raise about 3-6.5% of the lung voxels by more than
 * 100 HU (12 seeds at 128x128x36), far less than MosMedData's CT-2/CT-3 (25-75% involvement), so the classes
 * are learnable at 64x64x48 but not trivial.
 */
export function sampleOpacities(a: Anatomy, seed: number, f: FamilyRanges): Opacity[] {
  const rng = createRng(seed);
  const count = f.minLesions + rng.int(f.extraLesions);
  const out: Opacity[] = [];
  for (let tries = 0; out.length < count && tries < 10 * count; tries++) {
    const faint = out.length > 3 && rng.next() < 0.25;
    const radiusMm = faint ? rng.uniform(...f.faintRadiusMm) : rng.uniform(...f.largeRadiusMm);
    const k = Math.round(rng.uniform(0.2, 0.85) * (a.nz - 1));
    const at = lungPixel(a, k, rng);
    if (!at) continue;
    out.push({
      x: at.x,
      y: at.y,
      z: k * a.sliceMm,
      rx: (radiusMm * rng.uniform(0.7, 1.3)) / a.pixelMm,
      ry: (radiusMm * rng.uniform(0.7, 1.3)) / a.pixelMm,
      rz: Math.max(a.sliceMm * 0.6, radiusMm * rng.uniform(0.8, 1.4)),
      targetHU: faint ? rng.uniform(...f.faintHU) : rng.uniform(...f.largeHU),
    });
  }
  return out;
}
