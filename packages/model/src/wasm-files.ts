// Where the .wasm files a page must serve (WASM_FILES) are on disk, for tools that build or serve pages.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WASM_FILES } from './backend.js';
import { KERNEL_BINARIES } from './platform/platform.js';

/** Each of WASM_FILES with its path: tfjs-backend-wasm's from that package, ct3d's kernels from this one. */
export function wasmFilePaths(): { name: string; path: string }[] {
  const tfjsDir = path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
  const ours = new Set<string>(KERNEL_BINARIES);
  return WASM_FILES.map((name) => ({
    name,
    path: ours.has(name)
      ? fileURLToPath(new URL(`./kernels/wasm/${name}`, import.meta.url))
      : path.join(tfjsDir, name),
  }));
}
