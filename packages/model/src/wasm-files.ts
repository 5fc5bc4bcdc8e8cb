// Where the .wasm files a page must serve (WASM_FILES) are on disk, and what a browser bundle must leave out:
// for tools that build or serve pages (Node only).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WASM_FILES } from './backend.js';
import { platform } from './platform/node.js';
import { KERNEL_BINARIES } from './platform/platform.js';

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
  const ours = new Set<string>(KERNEL_BINARIES);
  return WASM_FILES.map((name) => ({
    name,
    path: ours.has(name)
      ? fileURLToPath(new URL(`./kernels/wasm/${name}`, import.meta.url))
      : path.join(platform.tfjsWasmFolder(), name),
  }));
}
