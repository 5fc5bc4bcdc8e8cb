// The Node host: kernel binaries read from beside the modules, a worker thread for the conv kernels, Dawn
// for WebGPU, tfjs-node as an optional native backend.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { startNodeConvHelper } from '../kernels/wasm/conv-helper-node.js';
import type { Platform } from './platform.js';

export const platform: Platform = {
  env: (name) => process.env[name],
  prepareKernelBinaries: async () => {},
  kernelBinary: (file) => new Uint8Array(readFileSync(new URL(`../kernels/wasm/${file}`, import.meta.url))),
  allowRelaxedSimd: () => setFlagsFromString('--experimental-wasm-relaxed-simd'),
  defaultConvThreads: () => Math.min(2, availableParallelism()),
  startConvHelper: startNodeConvHelper,
  nativeBackendPackages: ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'],
  tfjsWasmFolder: (folder) => {
    if (folder) return folder;
    const entry = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
    return path.dirname(entry) + path.sep;
  },
  // Kernel modules load lazily: importing @ct3d/model must not pull in (or break on) an unused backend.
  probeWebGPU: async () => (await import('../kernels/webgpu/adapter-probe.js')).probeAdapterIsolated(),
  createWebGPU: async () => (await import('../kernels/webgpu/device.js')).createWebGPU(),
};
