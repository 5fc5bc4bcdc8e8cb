// One entry for the explanations `ct3d explain` offers: Grad-CAM, Grad-CAM++ (at a layer), occlusion
// sensitivity and gradient saliency (plain or SmoothGrad), each a map in [0, 1] over the model's input
// (1 = strongest evidence for the class).
import type { Volume } from '@ct3d/core';
import { type GradCamResult, gradCam } from './gradcam.js';
import { type OcclusionMode, occlusionSensitivity, patchStarts } from './occlusion.js';
import { saliency } from './saliency.js';
import type * as tf from './tf.js';

/** The heat-map methods of explain. */
export const EXPLAIN_METHODS = ['gradcam', 'gradcampp', 'occlusion'] as const;
/** Grad-CAM, Grad-CAM++ or occlusion sensitivity. */
export type ExplainMethod = (typeof EXPLAIN_METHODS)[number];
/** Gradient saliency, measured by bench/explain.ts (README, "Explanations") but pointing worse: library only. */
export type SaliencyMethod = 'saliency' | 'smoothgrad';

/** Options of explain. */
export interface ExplainOptions {
  /** Default DEFAULT_EXPLANATION.method. */
  method?: ExplainMethod | SaliencyMethod;
  /** Grad-CAM / Grad-CAM++: the layer (default the last Conv3D). */
  layer?: string;
  /** The class to explain (see GradCamOptions.target). */
  target?: number | 'predicted';
  /** Occlusion: patch edge in input voxels (occlusionSensitivity's default 16; DEFAULT_EXPLANATION's 12). */
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

/**
 * Occlusion work allowed a heat map someone waits for (the page, the dashboard), in model runs times input
 * voxels: the default at 64x64x48 (12-voxel patches overlapping by half: 700 runs, 138e6) fits, about 40 s of
 * wasm model runs (bench:explain's s / scan); the seed's 128x128x64 (4410 runs) would take many minutes.
 */
export const MAX_INTERACTIVE_OCCLUSION_WORK = 150e6;

/**
 * DEFAULT_EXPLANATION, unless it is occlusion and a model input of `size` would need more than
 * MAX_INTERACTIVE_OCCLUSION_WORK: then Grad-CAM at the last Conv3D (the result's layer says which).
 */
export function interactiveExplanation(
  size: readonly [number, number, number],
): ExplainOptions & { method: ExplainMethod } {
  if (DEFAULT_EXPLANATION.method !== 'occlusion') return { ...DEFAULT_EXPLANATION };
  const patch = DEFAULT_EXPLANATION.maskSize ?? 16;
  const overlap = DEFAULT_EXPLANATION.overlap ?? 0.25;
  const runs = size.map((n) => patchStarts(n, Math.min(patch, n), overlap).length).reduce((a, b) => a * b);
  const voxels = size.reduce((a, b) => a * b);
  return runs * voxels <= MAX_INTERACTIVE_OCCLUSION_WORK ? { ...DEFAULT_EXPLANATION } : { method: 'gradcam' };
}

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
