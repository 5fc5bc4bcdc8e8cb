import { assertVolume, type Volume } from '@ct3d/core';

/** The HU window normalizeHU maps onto [0, 1]. */
export interface HUWindow {
  /** HU mapped to 0 (default -1000, air). */
  min?: number;
  /** HU mapped to 1 (default 400). */
  max?: number;
}

/**
 * Maps one HU value into the window like the seed's numpy code: clip, scale in float64, round to float32.
 * Non-finite values map to 0 (the window minimum) instead of propagating NaN.
 */
export function normalizeValue(x: number, min: number, max: number): number {
  // Branch-free clip (HU values straddle the window unpredictably); NaN and +Infinity are rare.
  const v = Math.fround((Math.min(Math.max(x, min), max) - min) / (max - min));
  return v >= 0 && x !== Number.POSITIVE_INFINITY ? v : 0;
}

/** Seed `normalize`: clip to [min, max] HU and scale to [0, 1] (float32, exactly as numpy's astype). */
export function normalizeHU(v: Volume, window: HUWindow = {}): Volume {
  const { min, max } = resolveWindow(window);
  assertVolume(v, 'normalizeHU');
  const src = v.data;
  const out = new Float32Array(src.length);
  for (let n = 0; n < src.length; n++) out[n] = normalizeValue(src[n], min, max);
  return { data: out, shape: [...v.shape], spacing: [...v.spacing], affine: v.affine.map((r) => [...r]) };
}

/** The seed's HU window: -1000 (air) to 400 HU, mapped to [0, 1]. */
export const SEED_HU_WINDOW = { min: -1000, max: 400 } as const;

export function resolveWindow(window: HUWindow): { min: number; max: number } {
  const min = window.min ?? SEED_HU_WINDOW.min;
  const max = window.max ?? SEED_HU_WINDOW.max;
  if (!(Number.isFinite(min) && Number.isFinite(max) && max > min)) {
    throw new Error(`normalizeHU: invalid HU window [${min}, ${max}] (need finite min < max)`);
  }
  return { min, max };
}
