// Loads tfjs-backend-wasm from `files` and makes it the backend: initBackend('wasm') and a page's conv helper
// (conv-worker-browser.ts) load it the same way, so both threads run the same build.

import * as tf from '@tensorflow/tfjs-core';
import { platform } from '#platform';
import { TFJS_WASM_BINARIES, type TfjsWasmBinary, type WasmFileLocations } from '../../platform/platform.js';

/** The build tfjs-backend-wasm will load here (its own choice, from the flags it registers). */
async function tfjsWasmBinary(): Promise<TfjsWasmBinary> {
  const [simd, threads] = await Promise.all([
    tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
    tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
  ]);
  if (simd && threads) return 'tfjs-backend-wasm-threaded-simd.wasm';
  return simd ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm';
}

/**
 * Points tfjs-backend-wasm at `files`, checks and fetches what the platform needs, and sets the backend;
 * throws naming a missing file, or when tfjs refuses the backend.
 */
export async function setUpTfjsWasm(files: WasmFileLocations): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  try {
    wasm.setWasmPaths(Object.fromEntries(TFJS_WASM_BINARIES.map((name) => [name, files[name]])));
  } catch {
    // Already initialized by an earlier call: the binaries are loaded, the path no longer matters.
  }
  // Never tfjs' own threaded build (which a cross-origin isolated page would get): its pthreads start from
  // blob: URLs a page's CSP refuses, and Node never loads it; ct3d's threads are the conv helper's.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  await platform.prepareWasmFiles(files, await tfjsWasmBinary());
  if (!(await tf.setBackend('wasm'))) throw new Error("tf.setBackend('wasm') failed");
}
