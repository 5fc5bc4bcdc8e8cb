// One entry for the three explanations `ct3d explain` offers: Grad-CAM, Grad-CAM++ (at a layer) and occlusion
// sensitivity, each a map in [0, 1] over the model's input (1 = strongest evidence for the class).
import type { Volume } from '@ct3d/core';
import { type GradCamResult, gradCam } from './gradcam.js';
import { occlusionSensitivity } from './occlusion.js';
import type * as tf from './tf.js';

/** The heat-map methods of explain. */
export const EXPLAIN_METHODS = ['gradcam', 'gradcampp', 'occlusion'] as const;
/** Grad-CAM, Grad-CAM++ or occlusion sensitivity. */
export type ExplainMethod = (typeof EXPLAIN_METHODS)[number];

/** Options of explain. */
export interface ExplainOptions {
  /** Default 'gradcam'. */
  method?: ExplainMethod;
  /** Grad-CAM / Grad-CAM++: the layer (default the last Conv3D). */
  layer?: string;
  /** The class to explain (see GradCamOptions.target). */
  target?: number | 'predicted';
  /** Occlusion: patch edge in input voxels (default 16). */
  maskSize?: number;
}

/**
 * The explanation `ct3d explain`, the page and the dashboard use unless told otherwise: the best of
 * bench/explain.ts's pointing game on the synthetic families (README, "Explanations").
 */
export const DEFAULT_EXPLANATION: Readonly<{ method: ExplainMethod; layer?: string; maskSize?: number }> = {
  method: 'occlusion',
  maskSize: 16,
};

/** The map of `method` for `v` (the model's input); `layer` says what it weighted (or the patch size). */
export function explain(model: tf.LayersModel, v: Volume, opts: ExplainOptions = {}): Promise<GradCamResult> {
  const method = opts.method ?? DEFAULT_EXPLANATION.method;
  if (method === 'occlusion')
    return occlusionSensitivity(model, v, { target: opts.target, maskSize: opts.maskSize });
  return gradCam(model, v, { target: opts.target, layer: opts.layer, method });
}
