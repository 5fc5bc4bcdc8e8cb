// Where a page finds the .wasm files when initBackend is given no wasmPaths: beside this module. Each URL is
// a literal `new URL('./x.wasm', import.meta.url)`, the form webpack, Vite and Parcel turn into an emitted
// asset; unbundled (or bundled as ESM by esbuild) it is relative to the module (or bundle) that holds it.
// The build copies tfjs-backend-wasm's binaries here beside ours (scripts/copy-wasm.mjs).
import type { WasmFileLocations } from '../../platform/platform.js';

/** The URL of each .wasm file beside this module; throws where import.meta.url is not a URL (iife, cjs). */
export function wasmFilesBesideModule(): WasmFileLocations {
  return {
    'tfjs-backend-wasm.wasm': new URL('./tfjs-backend-wasm.wasm', import.meta.url).href,
    'tfjs-backend-wasm-simd.wasm': new URL('./tfjs-backend-wasm-simd.wasm', import.meta.url).href,
    'tfjs-backend-wasm-threaded-simd.wasm': new URL('./tfjs-backend-wasm-threaded-simd.wasm', import.meta.url)
      .href,
    'winograd.wasm': new URL('./winograd.wasm', import.meta.url).href,
    'winograd-relaxed.wasm': new URL('./winograd-relaxed.wasm', import.meta.url).href,
  };
}
