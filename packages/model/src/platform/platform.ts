// What the model package needs from its host (Node or a browser). `#platform` resolves to node.ts or
// browser.ts through package.json "imports" (the "browser" condition), so kernels never test where they run.
import type { WebGPUInfo } from '../kernels/webgpu/adapter-info.js';

/** ct3d's own wasm kernel builds, shipped beside the kernel modules (and served beside a page's bundle). */
export type KernelBinary = 'winograd.wasm' | 'winograd-relaxed.wasm';
export const KERNEL_BINARIES: readonly KernelBinary[] = ['winograd.wasm', 'winograd-relaxed.wasm'];

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
  /** Fetches what kernelBinary() returns (browsers); a no-op where files are read synchronously. */
  prepareKernelBinaries(folder?: string): Promise<void>;
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
  /** The folder (path or URL, ending in a separator) holding tfjs-backend-wasm's binaries. */
  tfjsWasmFolder(folder?: string): string;
  /** Describes the WebGPU adapter without committing to it (Node: from a child process). */
  probeWebGPU(): Promise<WebGPUInfo>;
  /** Makes navigator.gpu usable by tfjs-backend-webgpu and describes its adapter. */
  createWebGPU(): Promise<WebGPUInfo>;
}
