// The browser host: kernel binaries fetched once from the page's wasm folder, one thread (a helper would
// need SharedArrayBuffer, i.e. a cross-origin isolated page), the page's own navigator.gpu.
import { requestAdapterInfo } from '../kernels/webgpu/adapter-info.js';
import { KERNEL_BINARIES, type KernelBinary, type Platform } from './platform.js';

const binaries = new Map<KernelBinary, Uint8Array<ArrayBuffer>>();

function folderOf(folder: string | undefined): string {
  if (!folder) {
    throw new Error(
      "in a browser the wasm backend needs initBackend(name, { wasmPaths: '<folder URL>' }): the folder serving tfjs-backend-wasm's and ct3d's .wasm files",
    );
  }
  return folder.endsWith('/') ? folder : `${folder}/`;
}

async function adapterInfo() {
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!gpu) throw new Error('this browser has no WebGPU (navigator.gpu is missing)');
  return requestAdapterInfo(gpu, 'navigator.gpu gave no adapter');
}

export const platform: Platform = {
  env: () => undefined,
  prepareKernelBinaries: async (folder) => {
    const base = new URL(folderOf(folder), globalThis.location?.href);
    for (const file of KERNEL_BINARIES) {
      if (binaries.has(file)) continue;
      const response = await fetch(new URL(file, base));
      if (!response.ok) throw new Error(`${new URL(file, base)}: HTTP ${response.status}`);
      binaries.set(file, new Uint8Array(await response.arrayBuffer()));
    }
  },
  kernelBinary: (file) => {
    const bytes = binaries.get(file);
    if (!bytes) throw new Error(`${file} not loaded: initBackend('wasm', { wasmPaths }) fetches it first`);
    return bytes;
  },
  allowRelaxedSimd: () => {},
  defaultConvThreads: () => 1,
  startConvHelper: () => null,
  nativeBackendPackages: [],
  tfjsWasmFolder: folderOf,
  probeWebGPU: adapterInfo,
  createWebGPU: adapterInfo,
};
