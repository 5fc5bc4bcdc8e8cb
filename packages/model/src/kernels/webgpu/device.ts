// Creates Dawn's WebGPU (the `webgpu` npm package) in Node before tfjs-backend-webgpu is imported: that backend
// registers itself only if navigator.gpu exists at import time.
import { requestAdapterInfo, type WebGPUInfo } from './adapter-info.js';

type DawnModule = { create(options: string[]): GPU; globals: object };

/** `webgpu` (Dawn, ~130 MB of binaries) is an optional peer of @ct3d/model: installed only by who wants it. */
export const DAWN_MISSING =
  'the optional webgpu package (Dawn) is not installed: add it with `npm install webgpu`';

/** Loads Dawn; a missing package is the one-line DAWN_MISSING, any other failure keeps its own reason. */
async function importDawn(): Promise<DawnModule> {
  try {
    return (await import('webgpu')) as unknown as DawnModule;
  } catch (err) {
    const { code, message } = err as { code?: string; message?: string };
    if (code === 'ERR_MODULE_NOT_FOUND' && message?.includes("'webgpu'")) throw new Error(DAWN_MISSING);
    throw err;
  }
}

/** Dawn options, e.g. CT3D_WEBGPU_FLAGS="enable-dawn-features=disable_robustness" (comma lists allowed). */
export function dawnOptions(): string[] {
  const raw = process.env.CT3D_WEBGPU_FLAGS?.trim();
  return raw ? raw.split(/\s+/) : [];
}

function installNavigator(gpu: GPU): void {
  const g = globalThis as { navigator?: { gpu?: GPU } };
  if (g.navigator === undefined) {
    Object.defineProperty(globalThis, 'navigator', {
      value: { gpu },
      configurable: true,
      writable: true,
    });
  } else if (g.navigator.gpu === undefined) {
    Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  }
}

let created: Promise<WebGPUInfo> | undefined;

async function createOnce(): Promise<WebGPUInfo> {
  const mod = await importDawn();
  Object.assign(globalThis, mod.globals);
  const g = globalThis as { navigator?: { gpu?: GPU } };
  const gpu = g.navigator?.gpu ?? mod.create(dawnOptions());
  installNavigator(gpu);
  return requestAdapterInfo(
    gpu,
    'webgpu: no WebGPU adapter (Dawn found no Vulkan device; on a CPU-only machine install lavapipe: mesa-vulkan-drivers >= 23)',
  );
}

/**
 * Makes navigator.gpu (Dawn) and the WebGPU globals exist, requests an adapter and describes it.
 * Idempotent; throws a one-line error when no adapter exists.
 */
export function createWebGPU(): Promise<WebGPUInfo> {
  created ??= createOnce().catch((err: unknown) => {
    created = undefined;
    throw err;
  });
  return created;
}
