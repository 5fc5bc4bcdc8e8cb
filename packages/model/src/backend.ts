import { platform } from '#platform';
import { errorText, verifyBackendGradients } from './backend-probe.js';
import { setUpTfjsWasm } from './kernels/wasm/tfjs-wasm-setup.js';
import { KERNEL_BINARIES, TFJS_WASM_BINARIES, WasmFileError } from './platform/platform.js';
import * as tf from './tf.js';

/** A tfjs backend to run on; `auto` picks the fastest that passes the gradient self-check. */
export type BackendName = 'auto' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
/** Every name initBackend takes. */
export const BACKEND_NAMES: readonly BackendName[] = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'];

/** The backend in use and why. */
export interface BackendChoice {
  name: string;
  /** What was chosen, e.g. 'tfjs-backend-wasm with fast 3D kernels, probe error 1.2e-7'. */
  detail: string;
  /** For 'auto': each faster candidate that was not used, with its reason ('webgpu: no WebGPU adapter'). */
  rejected: string[];
  /**
   * Set when the choice runs slower than it should: 'auto' ended on the pure-JS cpu backend, or wasm's conv
   * helper thread could not start (its kernels then run on one thread). Also printed once on stderr.
   */
  warning?: string;
}

/** Options of initBackend. */
export interface BackendOptions {
  /**
   * Folder (URL in a page, path in Node) serving tfjs-backend-wasm's .wasm files and ct3d's kernel builds
   * (WASM_FILES). Optional: by default a page loads the copies beside @ct3d/model's module, which webpack,
   * Vite and Parcel emit with the bundle (`new URL('./x.wasm', import.meta.url)`; an esbuild ESM bundle looks
   * beside itself); Node reads the installed packages' own. A file that cannot be fetched is an error naming
   * it, never a silent fall back to cpu.
   */
  wasmPaths?: string;
}

/** The files a page serves from `wasmPaths`: tfjs-backend-wasm's builds, then ct3d's kernel builds. */
export const WASM_FILES: readonly string[] = [...TFJS_WASM_BINARIES, ...KERNEL_BINARIES];

/** What one candidate reports when it is usable: its detail, and a warning when it runs degraded. */
type Attempt = (
  auto: boolean,
  options: BackendOptions,
) => Promise<string | { detail: string; warning: string }>;

/** Imports a package that may be absent; the specifier is not a literal so bundlers and tsc leave it alone. */
async function importOptional(specifier: string): Promise<unknown> {
  return import(/* @vite-ignore */ specifier);
}

async function tryTensorflow(): Promise<string> {
  const failures: string[] = [];
  // Optional native packages: never in package.json (their install downloads libtensorflow); none in pages.
  if (platform.nativeBackendPackages.length === 0) throw new Error('no native tfjs here');
  for (const pkg of platform.nativeBackendPackages) {
    try {
      await importOptional(pkg);
    } catch (err) {
      const missing = (err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND';
      failures.push(missing ? `${pkg} not installed` : `${pkg} failed to load (${errorText(err)})`);
      continue;
    }
    if (!tf.findBackendFactory('tensorflow')) {
      failures.push(`${pkg} loaded but registered on another @tensorflow/tfjs-core instance`);
      continue;
    }
    const error = await verifyBackendGradients('tensorflow');
    return `${pkg} (libtensorflow), probe error ${error.toExponential(1)}`;
  }
  throw new Error(failures.join(', '));
}

async function tryWebGPU(auto: boolean): Promise<string> {
  if (auto) {
    // Look first (in Node from a child process): a software adapter is rejected without loading Dawn here.
    const probed = await platform.probeWebGPU();
    if (probed.software)
      throw new Error(`adapter '${probed.adapter}' is a software rasterizer, slower than wasm`);
  }
  const gpu = await platform.createWebGPU();
  if (gpu.software && auto) {
    throw new Error(`adapter '${gpu.adapter}' is a software rasterizer, slower than wasm`);
  }
  // navigator.gpu exists only after createWebGPU(), and the backend package reads it when imported.
  await import('@tensorflow/tfjs-backend-webgpu');
  // Kernel modules load lazily: importing @ct3d/model must not pull in (or break on) an unused backend.
  const { registerWebGPUKernels } = await import('./kernels/webgpu/index.js');
  registerWebGPUKernels();
  const error = await verifyBackendGradients('webgpu');
  const kind = gpu.software ? 'software adapter' : 'hardware adapter';
  return `tfjs-backend-webgpu with ct3d's 3D kernels on ${gpu.adapter} (${kind}), probe error ${error.toExponential(1)}`;
}

async function tryWasm(
  _auto: boolean,
  { wasmPaths }: BackendOptions,
): Promise<string | { detail: string; warning: string }> {
  await setUpTfjsWasm(platform.wasmFiles(wasmPaths));
  // Stock tfjs wasm has a wrong Conv3DBackpropInputV2 and slow 3D kernels: never use it without ours.
  try {
    const { registerWasmKernels } = await import('./kernels/wasm/index.js');
    registerWasmKernels();
  } catch (err) {
    await tryCpu();
    throw new Error(`fast 3D kernels unavailable (${errorText(err)}); stock wasm 3D gradients are wrong`);
  }
  const { setConvThreads, startConvWorker } = await import('./kernels/wasm/index.js');
  let warning: string | undefined;
  try {
    await startConvWorker();
  } catch (err) {
    // Correct on one thread, about half as fast: worth a line, not worth the cpu backend.
    setConvThreads(1);
    warning = warnOnce(`ct3d: ${errorText(err)}; the wasm conv kernels run on one thread`);
  }
  const error = await verifyBackendGradients('wasm');
  const detail = `tfjs-backend-wasm with fast 3D kernels${warning ? ' on one thread' : ''}, probe error ${error.toExponential(1)}`;
  return warning ? { detail, warning } : detail;
}

async function tryCpu(): Promise<string> {
  if (!(await tf.setBackend('cpu'))) throw new Error("tf.setBackend('cpu') failed");
  return 'pure-JS tfjs-backend-cpu (correct but slow)';
}

const warned = new Set<string>();

/** `text`, printed on stderr the first time this process meets it. */
function warnOnce(text: string): string {
  if (!warned.has(text)) {
    warned.add(text);
    console.warn(text);
  }
  return text;
}

/** The warning for an 'auto' choice that ended on cpu, printed once per process on stderr. */
function slowFallbackWarning(rejected: string[]): string {
  return warnOnce(
    `ct3d: no fast tfjs backend could be used, training runs on pure-JS cpu (tens of times slower): ${rejected.join('; ')}`,
  );
}

const outcome = (got: string | { detail: string; warning: string }) =>
  typeof got === 'string' ? { detail: got } : got;

const ATTEMPTS: Record<Exclude<BackendName, 'auto'>, Attempt> = {
  tensorflow: tryTensorflow,
  webgpu: tryWebGPU,
  wasm: tryWasm,
  cpu: tryCpu,
};

/**
 * Selects the tfjs backend. A named backend must work or this throws with the reason. 'auto' tries
 * tensorflow (tfjs-node-gpu, tfjs-node), then webgpu on a hardware adapter, then wasm with the fast 3D
 * kernels, then cpu; every non-cpu candidate must pass a forward+gradient probe against cpu. Rejected
 * candidates print nothing: their reasons are in `rejected`. Ending on cpu warns once on stderr. A .wasm file
 * that cannot be fetched throws (naming it) rather than ending on cpu.
 */
export async function initBackend(
  name: BackendName = 'auto',
  options: BackendOptions = {},
): Promise<BackendChoice> {
  if (!BACKEND_NAMES.includes(name)) {
    throw new Error(`unknown backend '${String(name)}' (expected one of ${BACKEND_NAMES.join(', ')})`);
  }
  if (name !== 'auto') {
    try {
      return { name, ...outcome(await ATTEMPTS[name](false, options)), rejected: [] };
    } catch (err) {
      await tryCpu();
      throw new Error(`backend '${name}' unavailable: ${errorText(err)}`);
    }
  }
  const rejected: string[] = [];
  for (const candidate of ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const) {
    try {
      const got = outcome(await ATTEMPTS[candidate](true, options));
      if (candidate !== 'cpu') return { name: candidate, ...got, rejected };
      return { name: candidate, ...got, rejected, warning: slowFallbackWarning(rejected) };
    } catch (err) {
      if (err instanceof WasmFileError) {
        await tryCpu();
        throw new Error(`backend '${candidate}' unavailable: ${errorText(err)}`);
      }
      rejected.push(`${candidate}: ${errorText(err)}`);
    }
  }
  throw new Error(`no tfjs backend could be initialized: ${rejected.join('; ')}`);
}
