// The Node host: kernel binaries read from beside the modules, a worker thread for the conv kernels, Dawn
// for WebGPU, tfjs-node as an optional native backend.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { startNodeConvHelper } from '../kernels/wasm/conv-helper-node.js';
import {
  KERNEL_BINARIES,
  type KernelBinary,
  type Platform,
  TFJS_WASM_BINARIES,
  type WasmFileLocations,
} from './platform.js';

const kernelUrl = (file: KernelBinary) => new URL(`../kernels/wasm/${file}`, import.meta.url);

/** tfjs-backend-wasm's binaries in `folder` or that package; ours always beside the kernel modules. */
function wasmFiles(folder?: string): WasmFileLocations {
  const tfjsFolder =
    folder ?? path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
  return Object.fromEntries([
    ...TFJS_WASM_BINARIES.map((name) => [name, path.join(tfjsFolder, name)]),
    ...KERNEL_BINARIES.map((name) => [name, fileURLToPath(kernelUrl(name))]),
  ]) as WasmFileLocations;
}

export const platform: Platform = {
  env: (name) => process.env[name],
  prepareWasmFiles: async () => {},
  kernelBinary: (file) => new Uint8Array(readFileSync(kernelUrl(file))),
  allowRelaxedSimd: () => setFlagsFromString('--experimental-wasm-relaxed-simd'),
  defaultConvThreads: () => Math.min(2, availableParallelism()),
  startConvHelper: startNodeConvHelper,
  nativeBackendPackages: ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'],
  wasmFiles,
  // Kernel modules load lazily: importing @ct3d/model must not pull in (or break on) an unused backend.
  probeWebGPU: async () => (await import('../kernels/webgpu/adapter-probe.js')).probeAdapterIsolated(),
  createWebGPU: async () => (await import('../kernels/webgpu/device.js')).createWebGPU(),
};
