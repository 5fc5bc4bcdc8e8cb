// The API reference (`pnpm docs` writes docs/api/): one TypeDoc program over every published package's entry
// points, taken from their package.json "exports" (scripts/typedoc-entry-points.mjs), so a new subpath is
// documented and checked unasked. `pnpm docs:check` (run by tests/packaging) fails on any warning, such as an
// exported name without a doc comment.
import { ENTRY_POINTS, PACKAGE_NAMES } from './scripts/typedoc-entry-points.mjs';

/** @type {Partial<import('typedoc').TypeDocOptions>} */
export default {
  name: 'ct3d',
  entryPoints: [...ENTRY_POINTS.keys()],
  plugin: ['./scripts/typedoc-entry-points.mjs'],
  tsconfig: 'tsconfig.docs.json',
  out: 'docs/api',
  readme: 'none',
  // No source links: they need a git remote, which a clone in CI may not have; declaration maps ship instead.
  disableSources: true,
  excludePrivate: true,
  excludeInternal: true,
  excludeExternals: true,
  packagesRequiringDocumentation: PACKAGE_NAMES,
  // Every exported name and every method; fields of options and results are described where they are unclear.
  requiredToBeDocumented: [
    'Enum',
    'Variable',
    'Function',
    'Class',
    'Interface',
    'TypeAlias',
    'Method',
    'Accessor',
  ],
  validation: { notExported: true, invalidLink: true, notDocumented: true },
  treatWarningsAsErrors: true,
};
