// The browser host: .wasm files fetched from beside the module that names them (the bundler's copies) or from
// the page's wasmPaths folder; two conv threads in a dedicated worker of a cross-origin isolated page (the
// helper needs SharedArrayBuffer and Atomics.wait), else one; the page's own navigator.gpu.
import { errorText } from '../backend-probe.js';
import { wasmFilesBesideModule } from '../kernels/wasm/beside-module.js';
import { startBrowserConvHelper } from '../kernels/wasm/conv-helper-browser.js';
import { requestAdapterInfo } from '../kernels/webgpu/adapter-info.js';
import {
  KERNEL_BINARIES,
  type KernelBinary,
  type Platform,
  TFJS_WASM_BINARIES,
  WasmFileError,
  type WasmFileLocations,
} from './platform.js';

const binaries = new Map<KernelBinary, Uint8Array<ArrayBuffer>>();
/** The .wasm files initBackend('wasm') loaded: the conv helper loads the same. */
let loaded: WasmFileLocations | null = null;

/**
 * A conv helper can run here: a dedicated worker (Atomics.wait is refused on a page's main thread) of a
 * cross-origin isolated page (SharedArrayBuffer), on a machine with at least 2 cores.
 */
function canShareMemory(): boolean {
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  const inWorker = 'WorkerGlobalScope' in globalThis && typeof SharedArrayBuffer === 'function';
  return inWorker && g.crossOriginIsolated === true && (g.navigator?.hardwareConcurrency ?? 1) >= 2;
}
const HINT = "serve @ct3d/model's WASM_FILES there, or pass initBackend(name, { wasmPaths: '<folder URL>' })";

function wasmFiles(folder?: string): WasmFileLocations {
  if (!folder) {
    try {
      return wasmFilesBesideModule();
    } catch (err) {
      throw new WasmFileError(
        `cannot locate @ct3d/model's .wasm files (${errorText(err)}): a bundle without import.meta.url (iife, cjs) must pass initBackend(name, { wasmPaths: '<folder URL>' })`,
      );
    }
  }
  const base = new URL(folder.endsWith('/') ? folder : `${folder}/`, globalThis.location?.href);
  const names = [...TFJS_WASM_BINARIES, ...KERNEL_BINARIES];
  return Object.fromEntries(names.map((name) => [name, new URL(name, base).href])) as WasmFileLocations;
}

/**
 * The bytes at `url` (all of them, or only the first chunk when `whole` is false) once they start as a
 * WebAssembly module; a WasmFileError naming the URL if not.
 */
async function fetchWasm(url: string, whole: boolean): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (err) {
    throw new WasmFileError(`${url}: cannot be fetched (${errorText(err)}); ${HINT}`);
  }
  if (!response.ok) throw new WasmFileError(`${url}: HTTP ${response.status}; ${HINT}`);
  let bytes: Uint8Array;
  if (whole || !response.body) bytes = new Uint8Array(await response.arrayBuffer());
  else {
    const reader = response.body.getReader();
    bytes = (await reader.read()).value ?? new Uint8Array();
    await reader.cancel();
  }
  // A server that answers every path with its index page (a dev server's fallback) is not serving the file.
  if (bytes.subarray(0, 4).join() !== '0,97,115,109') {
    const type = response.headers.get('content-type') ?? 'no content type';
    throw new WasmFileError(`${url}: not a .wasm file (${type}); ${HINT}`);
  }
  return bytes;
}

async function adapterInfo() {
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!gpu) throw new Error('this browser has no WebGPU (navigator.gpu is missing)');
  return requestAdapterInfo(gpu, 'navigator.gpu gave no adapter');
}

export const platform: Platform = {
  env: () => undefined,
  prepareWasmFiles: async (files, tfjsBinary) => {
    loaded = files;
    // tfjs-backend-wasm fetches its binary itself, and a missing one fails only as setBackend() === false:
    // look at its first bytes here to name it.
    await fetchWasm(files[tfjsBinary], false);
    for (const file of KERNEL_BINARIES) {
      if (!binaries.has(file))
        binaries.set(file, (await fetchWasm(files[file], true)) as Uint8Array<ArrayBuffer>);
    }
  },
  kernelBinary: (file) => {
    const bytes = binaries.get(file);
    if (!bytes) throw new Error(`${file} not loaded: initBackend('wasm') fetches it first`);
    return bytes;
  },
  allowRelaxedSimd: () => {},
  defaultConvThreads: () => (canShareMemory() ? 2 : 1),
  startConvHelper: () => (canShareMemory() && loaded ? startBrowserConvHelper(loaded) : null),
  nativeBackendPackages: [],
  wasmFiles,
  probeWebGPU: adapterInfo,
  createWebGPU: adapterInfo,
};
