// What bench/explain.ts measures: the explanation methods named on its command line, and the two scores of
// a map in a scan's own space against that scan's lesion mask.
import type { ExplainOptions } from '../packages/model/src/index.js';

export interface MethodSpec {
  /** The spec as given (`occlusion:8:mean_patch`), one row of the table. */
  name: string;
  method: string;
  /** The layer weighted, or the occlusion patch and baseline. */
  layer: string;
  opts: ExplainOptions;
}

/**
 * Parses comma-separated specs: `gradcam` / `gradcampp` (each layer in `convs`) or `gradcam@LAYER`;
 * `occlusion:PATCH[:MODE][:logit][:overlap=X]` (MODE gaussian, mean_patch, mean_img or a number; logit: map
 * the class logit, MONAI's activate=False); `saliency`;
 * `smoothgrad[:SAMPLES[:NOISE]]`.
 */
export function parseMethods(text: string, convs: string[]): MethodSpec[] {
  return text.split(',').flatMap((spec): MethodSpec[] => {
    const [head, layerName] = spec.split('@');
    const [method, ...params] = head.split(':');
    if (method === 'gradcam' || method === 'gradcampp') {
      return (layerName ? [layerName] : convs).map((layer) => ({
        name: `${method}@${layer}`,
        method,
        layer,
        opts: { method, layer },
      }));
    }
    if (method === 'occlusion') {
      const maskSize = Number(params[0] ?? 16);
      let mode: NonNullable<ExplainOptions['occlusionMode']> = 'gaussian';
      let overlap = 0.25;
      let activate = true;
      for (const p of params.slice(1)) {
        if (p === 'logit') activate = false;
        else if (p.startsWith('overlap=')) overlap = Number(p.slice('overlap='.length));
        else if (/^-?[\d.]+$/.test(p)) mode = Number(p);
        else if (p === 'gaussian' || p === 'mean_patch' || p === 'mean_img') mode = p;
        else throw new Error(`--methods: "${p}" in ${spec} is no occlusion mode, logit or overlap=X`);
      }
      const layer = [`patch ${maskSize}`, mode, ...(activate ? [] : ['logit']), `overlap ${overlap}`];
      return [
        {
          name: spec,
          method,
          layer: layer.join(', '),
          opts: { method, maskSize, overlap, occlusionMode: mode, activate },
        },
      ];
    }
    if (method === 'saliency') return [{ name: spec, method, layer: 'input', opts: { method } }];
    if (method === 'smoothgrad') {
      const samples = Number(params[0] ?? 16);
      const noise = Number(params[1] ?? 0.15);
      return [
        {
          name: spec,
          method,
          layer: `input, ${samples} samples, noise ${noise}`,
          opts: { method, samples, noise },
        },
      ];
    }
    throw new Error(`--methods: unknown method "${spec}"`);
  });
}

/** Pointing hit (the map's maximum inside the mask) and the map's mass share inside a 0/1 mask. */
export function scoreMap(heat: Float32Array, mask: Float32Array): { hit: boolean; mass: number } {
  let at = 0;
  let total = 0;
  let inside = 0;
  for (let i = 0; i < heat.length; i++) {
    if (heat[i] > heat[at]) at = i;
    total += heat[i];
    if (mask[i] > 0) inside += heat[i];
  }
  return { hit: mask[at] > 0, mass: total > 0 ? inside / total : 0 };
}
