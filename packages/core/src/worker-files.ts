// Starting worker threads from both the built package (plain .js) and this repository's TypeScript sources.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The URL of module `stem` beside the module at `base` (its import.meta.url), with the same extension: the
 * built `.js` file in an installed package, the `.ts` source when running from this repository.
 */
export function siblingModule(base: string, stem: string): URL {
  const ext = /\.[mc]?ts$/.test(base) ? 'ts' : 'js';
  return new URL(`./${stem}.${ext}`, base);
}

/**
 * A `data:` module to import in a worker thread before `file`: none for JavaScript. TypeScript workers (this
 * repository's sources only) register tsx's ESM hooks first; on Node 20 `--import tsx` alone is a no-op inside
 * worker threads (tsx only self-registers on the main thread there), so the worker imports tsx's `esm/api` and
 * calls `register()` itself. tsx is a dev dependency: installed packages never take this path.
 */
export function workerPreload(file: string | URL): string | null {
  const path = file instanceof URL || file.startsWith('file:') ? fileURLToPath(file) : file;
  if (!/\.[mc]?ts$/.test(path)) return null;
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve('tsx/package.json');
  const pkg = require(pkgPath) as { exports: Record<string, { import?: { default?: string } }> };
  const api = pkg.exports['./esm/api']?.import?.default;
  if (!api) throw new Error(`${pkgPath}: no "./esm/api" import export; cannot run TypeScript workers`);
  const apiUrl = pathToFileURL(join(dirname(pkgPath), api)).href;
  return `data:text/javascript,${encodeURIComponent(`import{register}from${JSON.stringify(apiUrl)};register();`)}`;
}

/** Node flags for a worker thread that runs `file` (see workerPreload). */
export function workerExecArgv(file: string | URL): string[] {
  const preload = workerPreload(file);
  return preload ? ['--import', preload] : [];
}
