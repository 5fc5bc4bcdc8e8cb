// The API reference's entry points, read from each published package's package.json "exports", and a TypeDoc
// plugin that names each entry's module by its import specifier (`@ct3d/io/node`, not packages/io/src/node).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Converter, ReflectionKind } from 'typedoc';

const PACKAGES = [
  'packages/core',
  'packages/io',
  'packages/preprocess',
  'packages/augment',
  'packages/pipeline',
  'packages/model',
  'packages/train',
  'packages/web',
  'apps/dashboard',
];

const root = new URL('../', import.meta.url);

/** Package names and, per entry file (absolute path), its import specifier. */
export const PACKAGE_NAMES = [];
export const ENTRY_POINTS = new Map();
for (const folder of PACKAGES) {
  const { name, exports } = JSON.parse(readFileSync(new URL(`${folder}/package.json`, root), 'utf8'));
  PACKAGE_NAMES.push(name);
  for (const [subpath, target] of Object.entries(exports)) {
    const file = typeof target === 'string' ? target : target.default;
    ENTRY_POINTS.set(fileURLToPath(new URL(`${folder}/${file.slice(2)}`, root)), name + subpath.slice(1));
  }
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (!reflection.kindOf(ReflectionKind.Module)) return;
    const file = context.getSymbolFromReflection(reflection)?.declarations?.[0]?.getSourceFile().fileName;
    const specifier = file && ENTRY_POINTS.get(file);
    if (specifier) reflection.name = specifier;
  });
}
