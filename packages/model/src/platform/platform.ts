// What the model package needs from its host (Node or a browser). `#platform` resolves to node.ts or
// browser.ts through package.json "imports" (the "browser" condition), so kernels never test where they run.
import type { WebGPUInfo } from '../kernels/webgpu/adapter-info.js';

/** ct3d's own wasm kernel builds, shipped beside the kernel modules (and served beside a page's bundle). */
export type KernelBinary = 'winograd.wasm' | 'winograd-relaxed.wasm';
export const KERNEL_BINARIES: readonly KernelBinary[] = ['winograd.wasm', 'winograd-relaxed.wasm'];

/** tfjs-backend-wasm's builds: it loads one, by what the host supports (SIMD, then threads as well). */
export type TfjsWasmBinary =
  | 'tfjs-backend-wasm.wasm'
  | 'tfjs-backend-wasm-simd.wasm'
  | 'tfjs-backend-wasm-threaded-simd.wasm';
export const TFJS_WASM_BINARIES: readonly TfjsWasmBinary[] = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
];

/** Every .wasm file the wasm backend may load, with where it is (a URL in a page, a path in Node). */
export type WasmFileLocations = Record<TfjsWasmBinary | KernelBinary, string>;

/**
 * A .wasm file cannot be had where it should be: a deployment error, so initBackend('auto') reports it
 * instead of settling for the slow cpu backend.
 */
export class WasmFileError extends Error {
  override name = 'WasmFileError';
}

/** A second thread for the conv kernels: it takes part of each batch while the caller does the rest. */
export interface ConvHelper {
  /** Resolves once the helper has started; rejects with a one-line reason when it cannot start. */
  ready(): Promise<void>;
  /** A shared buffer of at least `floats` floats for operands and results (grown when too small). */
  buffer(floats: number): SharedArrayBuffer;
  /** Starts a job on the current buffer. */
  post(job: { kind: string; geom: object; pool: number }): void;
  /** Blocks until the posted job is done; throws the helper's error naming `what`. */
  wait(what: string): void;
  dispose(): Promise<void>;
}

export interface Platform {
  /** A CT3D_* benchmark-only switch (docs/model-kernels.md): process.env in Node; browsers have none. */
  env(name: string): string | undefined;
  /**
   * Checks that `tfjsBinary` can be fetched and fetches what kernelBinary() returns (browsers); a no-op where
   * files are read synchronously. Throws WasmFileError naming a missing file.
   */
  prepareWasmFiles(files: WasmFileLocations, tfjsBinary: TfjsWasmBinary): Promise<void>;
  /** The bytes of one of our kernel builds, synchronously (kernels are synchronous). */
  kernelBinary(file: KernelBinary): Uint8Array<ArrayBuffer>;
  /** Lets WebAssembly.validate accept relaxed SIMD where a flag gates it (Node 20). */
  allowRelaxedSimd(): void;
  /** How many threads the conv kernels use unless told otherwise. */
  defaultConvThreads(): number;
  /** Starts a conv helper thread; null where threads cannot share memory (pages without isolation). */
  startConvHelper(): ConvHelper | null;
  /** Optional native tfjs packages 'auto' tries first (never in package.json). */
  nativeBackendPackages: readonly string[];
  /** Where each .wasm file is: in `folder` (initBackend's wasmPaths) when given, else the installed ones. */
  wasmFiles(folder?: string): WasmFileLocations;
  /** Describes the WebGPU adapter without committing to it (Node: from a child process). */
  probeWebGPU(): Promise<WebGPUInfo>;
  /** Makes navigator.gpu usable by tfjs-backend-webgpu and describes its adapter. */
  createWebGPU(): Promise<WebGPUInfo>;
}
