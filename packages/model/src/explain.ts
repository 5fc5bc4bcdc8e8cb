// One entry for the explanations `ct3d explain` offers: Grad-CAM, Grad-CAM++ (at a layer), occlusion
// sensitivity and gradient saliency (plain or SmoothGrad), each a map in [0, 1] over the model's input
// (1 = strongest evidence for the class).
import type { Volume } from '@ct3d/core';
import { type GradCamResult, gradCam } from './gradcam.js';
import { type OcclusionMode, occlusionSensitivity } from './occlusion.js';
import { saliency } from './saliency.js';
import type * as tf from './tf.js';

/** The methods `ct3d explain` offers. */
export const EXPLAIN_METHODS = ['gradcam', 'gradcampp', 'occlusion'] as const;
export type ExplainMethod = (typeof EXPLAIN_METHODS)[number];
/** Gradient saliency, measured by bench/explain.ts (README, "Explanations") but pointing worse: library only. */
export type SaliencyMethod = 'saliency' | 'smoothgrad';

export interface ExplainOptions {
  /** Default DEFAULT_EXPLANATION.method. */
  method?: ExplainMethod | SaliencyMethod;
  /** Grad-CAM / Grad-CAM++: the layer (default the last Conv3D). */
  layer?: string;
  /** The class to explain (see GradCamOptions.target). */
  target?: number | 'predicted';
  /** Occlusion: patch edge in input voxels (default 16). */
  maskSize?: number;
  /** Occlusion: overlap of neighbouring patches (default 0.25). */
  overlap?: number;
  /** Occlusion: what replaces a patch (default 'gaussian'; see OcclusionOptions.mode). */
  occlusionMode?: OcclusionMode;
  /** Occlusion: map the class probability (true, default) or its logit (false; OcclusionOptions.activate). */
  activate?: boolean;
  /** SmoothGrad: noisy copies (default 16). */
  samples?: number;
  /** SmoothGrad: noise sigma as a fraction of the input's range (default 0.15). */
  noise?: number;
}

/**
 * The explanation `ct3d explain`, the page and the dashboard use unless told otherwise: the best pointing game
 * of bench/explain.ts on both synthetic families (README, "Explanations"): occlusion with 12-voxel patches
 * overlapping by half (a stride of 6 voxels; 16-voxel patches or a 25 % overlap point past small lesions).
 */
export const DEFAULT_EXPLANATION: Readonly<ExplainOptions & { method: ExplainMethod }> = {
  method: 'occlusion',
  maskSize: 12,
  overlap: 0.5,
};

/** The map of `method` for `v` (the model's input); `layer` says what it weighted (or the patch size). */
export function explain(model: tf.LayersModel, v: Volume, opts: ExplainOptions = {}): Promise<GradCamResult> {
  const method = opts.method ?? DEFAULT_EXPLANATION.method;
  const { target } = opts;
  if (method === 'occlusion') {
    const { maskSize, overlap, occlusionMode: mode, activate } = opts;
    return occlusionSensitivity(model, v, { target, maskSize, overlap, mode, activate });
  }
  if (method === 'saliency') return saliency(model, v, { target });
  if (method === 'smoothgrad')
    return saliency(model, v, { target, samples: opts.samples ?? 16, noise: opts.noise });
  return gradCam(model, v, { target: opts.target, layer: opts.layer, method });
}
