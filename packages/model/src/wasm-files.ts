// Where the .wasm files a page must serve (WASM_FILES) are on disk, and what a browser bundle must leave out:
// for tools that build or serve pages (Node only).
import { fileURLToPath } from 'node:url';
import { siblingModule } from '@ct3d/core/node';
import { CONV_WORKER_SCRIPT } from './kernels/wasm/conv-helper-browser.js';
import { platform } from './platform/node.js';

/**
 * Node built-ins that tfjs-backend-wasm's emscripten glue names but loads only under Node: a browser bundle
 * of @ct3d/model marks them external (esbuild's `external`), or the bundle fails to resolve them.
 */
export const NODE_ONLY_IMPORTS: readonly string[] = [
  'fs',
  'path',
  'os',
  'worker_threads',
  'perf_hooks',
  'crypto',
];

/** Each of WASM_FILES with its path: tfjs-backend-wasm's from that package, ct3d's kernels from this one. */
export function wasmFilePaths(): { name: string; path: string }[] {
  return Object.entries(platform.wasmFiles()).map(([name, path]) => ({ name, path }));
}

/**
 * The conv helper of a page (two threads in a cross-origin isolated page's worker): `entry`, the module a
 * page's bundler must emit as `name` beside the bundle that runs the wasm backend (an ESM bundle looks for it
 * there, `new URL(name, import.meta.url)`). Without it the kernels run on one thread and say why.
 */
export function browserConvWorker(): { name: string; entry: string } {
  return {
    name: CONV_WORKER_SCRIPT,
    entry: fileURLToPath(siblingModule(import.meta.url, 'kernels/wasm/conv-worker-browser')),
  };
}
