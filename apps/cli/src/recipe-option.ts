import { readFile } from 'node:fs/promises';
import { PRESETS, type RecipeSource } from '@ct3d/augment';
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
