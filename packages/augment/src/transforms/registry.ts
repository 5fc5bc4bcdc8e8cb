import type { TransformDef } from './make.js';
import { Orientation } from './orientation.js';
import { ParamReader, RecipeError } from './params.js';
import { RandAdjustContrast } from './rand-adjust-contrast.js';
import { RandAffine } from './rand-affine.js';
import { Flip, RandFlip } from './rand-flip.js';
import { RandGaussianNoise } from './rand-gaussian-noise.js';
import { RandGaussianSmooth } from './rand-gaussian-smooth.js';
import { RandRotate } from './rand-rotate.js';
import { RandScaleIntensity } from './rand-scale-intensity.js';
import { RandShiftIntensity } from './rand-shift-intensity.js';
import { RandZoom } from './rand-zoom.js';
import { Resize } from './resize.js';
import { Rotate90 } from './rotate90.js';
import { ScaleIntensityRange } from './scale-intensity-range.js';
import { Spacing } from './spacing.js';
import { CenterSpatialCrop, RandSpatialCrop, SpatialPad } from './spatial-crop.js';
import type { AnyTransform } from './types.js';

/** Every transform a recipe can name (a new transform: its file plus one line here). */
export const TRANSFORMS: ReadonlyMap<string, TransformDef> = new Map(
  [
    CenterSpatialCrop,
    Flip,
    Orientation,
    RandAdjustContrast,
    RandAffine,
    RandFlip,
    RandGaussianNoise,
    RandGaussianSmooth,
    RandRotate,
    RandScaleIntensity,
    RandShiftIntensity,
    RandSpatialCrop,
    RandZoom,
    Resize,
    Rotate90,
    ScaleIntensityRange,
    Spacing,
    SpatialPad,
  ].map((def) => [def.name, def]),
);

/** Builds one recipe entry, e.g. `{"name": "RandFlip", "prob": 0.5}`; `where` names it in errors. */
export function createTransform(entry: unknown, where: string): AnyTransform {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
    throw new RecipeError(`${where}: must be an object like {"name": "RandFlip", ...}`);
  const name = (entry as { name?: unknown }).name;
  const def = typeof name === 'string' ? TRANSFORMS.get(name) : undefined;
  if (!def) {
    const known = [...TRANSFORMS.keys()].join(', ');
    throw new RecipeError(`${where}: unknown transform ${JSON.stringify(name ?? null)} (known: ${known})`);
  }
  return def.create(new ParamReader(entry as { name: string }, `${where} ${name}`));
}
