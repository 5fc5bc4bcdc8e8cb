import { readFile } from 'node:fs/promises';
import { loadRecipe, PRESETS, type RecipeSource, type TransformEntry } from '@ct3d/augment';
import { printable } from '@ct3d/core';
import { UsageError } from './args.js';

/** `--transforms seed|default|recipe.json`: a preset name, else the recipe file's text (checked later). */
export async function readRecipeSource(value: string): Promise<RecipeSource> {
  if (PRESETS[value]) return { name: value };
  try {
    return { name: value, text: await readFile(value, 'utf8') };
  } catch (error) {
    const code = (error as { code?: string }).code ?? (error as Error).message;
    const presets = Object.keys(PRESETS).join(', ');
    throw new UsageError(
      `--transforms ${printable(value)}: not a preset (${presets}) and cannot read it (${code})`,
    );
  }
}

/**
 * `ct3d ingest --transforms` (a folder or --dicomweb): the recipe's checked preprocessing at `size`; undefined
 * without the option (the seed preset).
 */
export async function readIngestPreprocess(
  value: string | undefined,
  size: [number, number, number],
): Promise<TransformEntry[] | undefined> {
  if (value === undefined) return undefined;
  return loadRecipe(await readRecipeSource(value), { size }).preprocess;
}
