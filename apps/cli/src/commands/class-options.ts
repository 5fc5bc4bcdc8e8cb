import type { ClassWeightOption, TrainFromCacheOptions } from '@ct3d/train';
import { UsageError } from '../args.js';

/** `--class-weight balanced|W0,W1,...` and `--sampling shuffle|balanced` as train options. */
export function parseClassOptions(
  classWeight: string | undefined,
  sampling: string | undefined,
): Pick<TrainFromCacheOptions, 'classWeight' | 'sampling'> {
  const out: Pick<TrainFromCacheOptions, 'classWeight' | 'sampling'> = {};
  if (classWeight !== undefined) out.classWeight = parseClassWeight(classWeight);
  if (sampling !== undefined) {
    if (sampling !== 'balanced' && sampling !== 'shuffle') {
      throw new UsageError(`--sampling must be shuffle or balanced, got "${sampling}"`);
    }
    out.sampling = sampling;
  }
  return out;
}

function parseClassWeight(text: string): ClassWeightOption {
  if (text === 'balanced') return 'balanced';
  const weights = text.split(',').map((w) => Number(w.trim()));
  if (weights.length < 2 || weights.some((w) => !Number.isFinite(w) || w < 0)) {
    throw new UsageError(
      `--class-weight must be "balanced" or one weight >= 0 per class (e.g. 2.2,0.65), got "${text}"`,
    );
  }
  return weights;
}

/** "classes: 3 (softmax, sparse_categorical_crossentropy); class weights 2.18, 0.81, 1.5; sampling balanced", or null for the seed's plain binary run. */
export function describeClasses(settings: Record<string, unknown>): string | null {
  const k = typeof settings.classes === 'number' ? settings.classes : 2;
  const weights = Array.isArray(settings.classWeights) ? (settings.classWeights as number[]) : null;
  const sampling = settings.sampling === 'balanced' ? 'balanced' : null;
  if (k <= 2 && !weights && !sampling) return null;
  const parts = [`classes: ${k} (${k > 2 ? 'softmax' : 'sigmoid'}, ${String(settings.loss)})`];
  if (weights) parts.push(`class weights ${weights.map((w) => w.toFixed(4)).join(', ')}`);
  if (sampling) parts.push('sampling balanced');
  return parts.join('; ');
}
