// The backends every kernel spec runs on, in the style of tfjs' `describeWithFlags` and its registered test
// environments: each env has its own setup and availability check, and a spec written once runs on each env
// its constraints allow (`describeWithFlags('conv3dBiasRelu', ALL_ENVS, (env) => { ... })`).
import '@tensorflow/tfjs-backend-wasm';
import { toolAvailable } from '@ct3d/test-support';
import { beforeEach, describe } from 'vitest';
import { registerWasmKernels } from '../kernels/wasm/index.js';
import { createWebGPU } from '../kernels/webgpu/device.js';
import { registerWebGPUKernels } from '../kernels/webgpu/index.js';
import * as tf from '../tf.js';
import { registerFakeBackend } from './fake-kernels.js';

export type EnvName = 'cpu' | 'fake' | 'wasm' | 'webgpu';

/** Per element: |actual - expected| <= atol + rtol * |expected|. */
export interface Tolerance {
  rtol: number;
  atol: number;
}

export interface KernelTestEnv {
  name: EnvName;
  backendName: string;
  /**
   * The bound of this env's results against the cpu backend's plain ops, unless a spec says otherwise. The
   * kernels' atol is for elements that cancel to near zero (conv sums of O(1) data leave up to ~8e-6 there on
   * wasm, ~3e-6 on webgpu; 1e-6 fails).
   */
  tol: Tolerance;
  /** Makes the backend usable (registers our kernels); resolves to why it cannot run here, or null. */
  setup(): Promise<string | null>;
  /** A test's time limit where the config's default is too short. */
  timeout?: number;
}

/** The fast kernels' bound against cpu (wasm and webgpu). */
export const KERNEL_TOL: Tolerance = { rtol: 1e-4, atol: 1e-5 };
export const EXACT: Tolerance = { rtol: 0, atol: 0 };

/** The smaller of two bounds, term by term (a spec's own bound, never looser than the env's). */
export const tighter = (a: Tolerance, b: Tolerance): Tolerance => ({
  rtol: Math.min(a.rtol, b.rtol),
  atol: Math.min(a.atol, b.atol),
});

async function setupWebGPU(): Promise<string | null> {
  try {
    await createWebGPU();
  } catch (err) {
    // a loud skip here; with CT3D_REQUIRE_GPU=1 (CI) this throws and the file fails
    toolAvailable('gpu', false, 'the WebGPU kernel specs', (err as Error).message);
    return (err as Error).message;
  }
  // tfjs-backend-webgpu registers its backend only if navigator.gpu exists when it is imported
  await import('@tensorflow/tfjs-backend-webgpu');
  registerWebGPUKernels();
  return null;
}

/** The registered envs, in the order their suites run. */
export const ENVS: readonly KernelTestEnv[] = [
  // the plain ops and our ops' composites: the reference itself, so a composite must equal it exactly
  { name: 'cpu', backendName: 'cpu', tol: EXACT, setup: async () => null },
  // cpu plus plain-JS kernels (float64 sums) under our ops' names, what a new backend module registers
  {
    name: 'fake',
    backendName: 'fake-ct3d',
    tol: { rtol: 1e-5, atol: 1e-6 },
    setup: async () => {
      registerFakeBackend('fake-ct3d');
      return null;
    },
  },
  {
    name: 'wasm',
    backendName: 'wasm',
    tol: KERNEL_TOL,
    setup: async () => {
      if (!(await tf.setBackend('wasm'))) return 'the tfjs wasm backend did not initialize';
      registerWasmKernels();
      return null;
    },
  },
  // lavapipe (CI, machines without a GPU) compiles each WGSL pipeline on the CPU
  { name: 'webgpu', backendName: 'webgpu', tol: KERNEL_TOL, setup: setupWebGPU, timeout: 120_000 },
];

/** Which envs a suite runs on: `envs` names them (absent: every env). */
export interface Constraints {
  envs?: readonly EnvName[];
}

export const ALL_ENVS: Constraints = {};

const ready = new Map<EnvName, Promise<string | null>>();

/** The env's setup, once per test file; null when it is ready. */
function prepared(env: KernelTestEnv): Promise<string | null> {
  let p = ready.get(env.name);
  if (p === undefined) {
    p = env.setup();
    ready.set(env.name, p);
  }
  return p;
}

/**
 * Registers `specs` once per env allowed by `constraints`, as the suite "`name` [env]". Each test starts
 * on the env's backend; an env that cannot run here (no WebGPU adapter) has its suite skipped, the reason
 * printed and used as the skipped suite's name.
 */
export function describeWithFlags(
  name: string,
  constraints: Constraints,
  specs: (env: KernelTestEnv) => void,
): void {
  for (const env of ENVS) {
    if (constraints.envs !== undefined && !constraints.envs.includes(env.name)) continue;
    describe(`${name} [${env.name}]`, { timeout: env.timeout }, async () => {
      const unavailable = await prepared(env);
      if (unavailable !== null) {
        describe.skip(`${env.name} unavailable: ${unavailable}`, () => specs(env));
        return;
      }
      beforeEach(async () => {
        if (!(await tf.setBackend(env.backendName)))
          throw new Error(`setBackend('${env.backendName}') failed`);
      });
      specs(env);
    });
  }
}
