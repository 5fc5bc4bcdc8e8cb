// How preprocessed voxels map back to HU: a recipe's ScaleIntensityRange read backwards. Viewers (the
// dashboard's Scans tab, the training page's heat map) show and read out HU, not the model input's units.
import type { Volume } from '@ct3d/core';
import type { TransformEntry } from './types.js';

/** HU `a_min` and `a_max` became `b_min` and `b_max` (values outside [a_min, a_max] were clipped to them). */
export interface HuScaling {
  a_min: number;
  a_max: number;
  b_min: number;
  b_max: number;
}

/** The seed's window (-1000..400 HU -> 0..1): ScaleIntensityRange's defaults. */
const SEED_SCALING: HuScaling = { a_min: -1000, a_max: 400, b_min: 0, b_max: 1 };

/** The scaling of the preprocessing's ScaleIntensityRange step; throws when it has none. */
export function huScaling(preprocess: readonly TransformEntry[]): HuScaling {
  const step = preprocess.find((e) => e.name === 'ScaleIntensityRange');
  if (!step) throw new Error('no ScaleIntensityRange step, so no HU to show');
  const { a_min, a_max, b_min, b_max } = { ...SEED_SCALING, ...step };
  return { a_min: Number(a_min), a_max: Number(a_max), b_min: Number(b_min), b_max: Number(b_max) };
}

/** A preprocessed volume back in HU (the scaling undone). */
export function unitsToHu(v: Volume, s: HuScaling): Volume {
  const scale = (s.a_max - s.a_min) / (s.b_max - s.b_min);
  const data = new Float32Array(v.data.length);
  for (let n = 0; n < data.length; n++) data[n] = s.a_min + (v.data[n] - s.b_min) * scale;
  return { ...v, data };
}
