export { type Composed, compose, invert } from './compose.js';
export { deterministic, randomly, remapping, type TransformDef, withData } from './make.js';
export { ParamReader, RecipeError } from './params.js';
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
