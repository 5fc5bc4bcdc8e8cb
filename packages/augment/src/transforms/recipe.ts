import { type Composed, compose } from './compose.js';
import { RecipeError } from './params.js';
import { createTransform } from './registry.js';
import type { TransformEntry } from './types.js';

/** A recipe as JSON: preprocessing (ingest, predict, the browser) and augmentation (training loads only). */
export interface Recipe {
  preprocess: TransformEntry[];
  augment: TransformEntry[];
}

const SEED_PREPROCESS: TransformEntry[] = [
  { name: 'ScaleIntensityRange', a_min: -1000, a_max: 400, b_min: 0, b_max: 1, clip: true },
  { name: 'Rotate90', k: 1, spatial_axes: [0, 1], keep_size: true },
  { name: 'Resize', mode: 'trilinear' }, // spatial_size: ingest's --size
];

/** The seed's random_rotate: one of +-5, 10, 20 degrees in-plane, cubic, clipped to [0, 1]. */
const SEED_ROTATION: TransformEntry = {
  name: 'RandRotate',
  prob: 1,
  angles: [-20, -10, -5, 5, 10, 20],
  spatial_axes: [0, 1],
  order: 3,
  clip: true,
};

/** Named recipes: `seed` is exactly the Keras example; `default` was chosen by fold runs (root README, Transforms). */
export const PRESETS: Readonly<Record<string, Recipe>> = {
  seed: { preprocess: SEED_PREPROCESS, augment: [SEED_ROTATION] },
  default: {
    preprocess: SEED_PREPROCESS,
    augment: [
      SEED_ROTATION,
      { name: 'RandFlip', prob: 0.5, spatial_axis: [0] },
      // Intensity steps (RandAdjustContrast, RandGaussianNoise) were measured worse on the broad-dense family,
      // whose classes differ by density, and cost data wait beyond 5 % of a step: geometric steps only.
      { name: 'RandAffine', prob: 0.3, scale_range: [0.1, 0.1, 0.1], translate_range: [3, 3, 2] },
    ],
  },
};

/** Options of resolveRecipe, loadRecipe and parseRecipe. */
export interface RecipeOptions {
  /** Fills the spatial_size of a Resize that leaves it out (ingest's --size). */
  size?: readonly [number, number, number];
}

/**
 * Checks a recipe (parsed JSON read from `file`) entry by entry and returns it normalized: every parameter
 * written out with its default, so the recorded recipe says everything. Errors are one RecipeError line:
 * `recipe.json: augment[1] RandFlip: prob must be a finite number in [0, 1], got 2`.
 */
export function parseRecipe(value: unknown, file: string, opts: RecipeOptions = {}): Recipe {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new RecipeError(`${file}: a recipe must be an object {"preprocess": [...], "augment": [...]}`);
  const raw = value as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (key !== 'preprocess' && key !== 'augment')
      throw new RecipeError(`${file}: unknown key "${key}" (a recipe has "preprocess" and "augment")`);
  }
  const stage = (key: 'preprocess' | 'augment'): TransformEntry[] => {
    const list = raw[key] ?? [];
    if (!Array.isArray(list)) throw new RecipeError(`${file}: ${key} must be a list of transforms`);
    return list.map((entry, i) => {
      const where = `${file}: ${key}[${i}]`;
      const filled = withSize(entry, opts.size);
      const t = createTransform(filled, where);
      if (key === 'preprocess' && t.random)
        throw new RecipeError(`${where} ${t.name}: preprocessing must be deterministic`);
      return { name: t.name, ...t.params };
    });
  };
  return { preprocess: stage('preprocess'), augment: stage('augment') };
}

function withSize(entry: unknown, size: RecipeOptions['size']): unknown {
  const e = entry as Record<string, unknown> | null;
  if (!size || e?.name !== 'Resize' || e.spatial_size !== undefined) return entry;
  return { ...e, spatial_size: [...size] };
}

/** A preset name or a recipe's JSON text: the checked recipe. `file` names the source in errors. */
export function resolveRecipe(nameOrJson: string, file: string, opts: RecipeOptions = {}): Recipe {
  const preset = PRESETS[nameOrJson];
  if (preset) return parseRecipe(preset, `preset ${nameOrJson}`, opts);
  return parseRecipe(parseJson(nameOrJson, file), file, opts);
}

/** The seed preset at a size (default 128x128x64): what every run without a recorded recipe used. */
export function seedRecipe(size: readonly [number, number, number] = [128, 128, 64]): Recipe {
  return parseRecipe(PRESETS.seed, 'preset seed', { size });
}

/** One composed stage of a recipe, e.g. `composeStage(recipe, 'augment')` in a load worker. */
export function composeStage(
  recipe: Pick<Recipe, 'preprocess'> | Pick<Recipe, 'augment'>,
  key: 'preprocess' | 'augment',
  file = 'recipe',
): Composed {
  const entries = (recipe as Partial<Recipe>)[key] ?? [];
  return compose(entries.map((e, i) => createTransform(e, `${file}: ${key}[${i}]`)));
}

/** Both composed stages of a checked recipe. */
export function composeRecipe(recipe: Recipe, file = 'recipe'): { preprocess: Composed; augment: Composed } {
  return {
    preprocess: composeStage(recipe, 'preprocess', file),
    augment: composeStage(recipe, 'augment', file),
  };
}

/** True when two stages are the same steps with the same parameters. */
export function sameSteps(a: readonly TransformEntry[], b: readonly TransformEntry[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Where a recipe comes from: a preset name, or a file's name and its JSON text. */
export interface RecipeSource {
  name: string;
  text?: string;
}

/** Only the augmentation of a source (no size needed), e.g. for a preview of what training sees. */
export function loadAugment(source: RecipeSource): TransformEntry[] {
  const value = source.text === undefined ? PRESETS[source.name] : parseJson(source.text, source.name);
  if (!value)
    throw new RecipeError(
      `${source.name}: not a preset (${Object.keys(PRESETS).join(', ')}) nor a recipe file`,
    );
  const augment = (value as Partial<Recipe>).augment;
  return parseRecipe(augment === undefined ? {} : { augment }, source.name).augment;
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new RecipeError(`${file}: not JSON (${(error as Error).message.split('\n')[0]})`);
  }
}

/** The checked recipe of a source (`--transforms seed|default|recipe.json`). */
export function loadRecipe(source: RecipeSource, opts: RecipeOptions = {}): Recipe {
  if (source.text !== undefined) return resolveRecipe(source.text, source.name, opts);
  if (!PRESETS[source.name])
    throw new RecipeError(
      `${source.name}: not a preset (${Object.keys(PRESETS).join(', ')}) nor a recipe file`,
    );
  return resolveRecipe(source.name, source.name, opts);
}
