export { type Composed, compose, invert } from './compose.js';
export { type HuScaling, huScaling, unitsToHu } from './hu-scaling.js';
export { deterministic, randomly, remapping, type TransformDef, withData } from './make.js';
export { mapToScan } from './map-to-scan.js';
export { ParamReader, RecipeError } from './params.js';
// The deterministic cores of the random transforms (tests and benchmarks call them with fixed parameters).
export { adjustContrast } from './rand-adjust-contrast.js';
export { type AffineParams, affineTransform } from './rand-affine.js';
export { addNoise, drawNoise } from './rand-gaussian-noise.js';
export { gaussianSmooth } from './rand-gaussian-smooth.js';
export { type PlaneRotation, rotatePlane } from './rand-rotate.js';
export { scaleIntensity } from './rand-scale-intensity.js';
export { shiftIntensity } from './rand-shift-intensity.js';
export { zoomKeepSize } from './rand-zoom.js';
export {
  composeRecipe,
  composeStage,
  loadAugment,
  loadRecipe,
  PRESETS,
  parseRecipe,
  type Recipe,
  type RecipeOptions,
  type RecipeSource,
  resolveRecipe,
  sameSteps,
  seedRecipe,
} from './recipe.js';
export { createTransform, TRANSFORMS } from './registry.js';
export type { AnyTransform, Geometry, RandomTransform, Transform, TransformEntry } from './types.js';
