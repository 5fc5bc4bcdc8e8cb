// WebGPU (Dawn in Node) backend support: create the GPU before tfjs-backend-webgpu is imported, then register
// our kernels: WGSL programs under the stock 3D convolution and pooling names, and the kernels of our ops
// (ops/*.ts) that dispatch through the tfjs registry. Nothing here is module state: the registry holds it all.
import { getKernel, type KernelConfig, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import type { OpKernelConfig } from '../../ops/dispatch.js';
import { registerGradientOverrides } from '../../ops/index.js';
import { adamKernelConfig } from './adam.js';
import { batchNormKernelConfigs } from './batchnorm.js';
import { fusedKernelConfigs } from './fused.js';
import { broadcastKernelConfig } from './grads.js';
import { FAST_KERNELS, withFallback } from './kernels.js';

export { describeAdapter, type WebGPUInfo } from './adapter-info.js';

/** Names of the stock kernels registerWebGPUKernels replaces. */
export const WEBGPU_KERNEL_NAMES: readonly string[] = FAST_KERNELS.map((k) => k.name);

export interface WebGPUKernelOptions {
  /** false: leave the batch-norm ops on their plain-op composites (A/B benchmarks); default true. */
  batchNorm?: boolean;
}

/** Our kernels of the ops (ops/*.ts), per options. */
function opKernelConfigs({ batchNorm = true }: WebGPUKernelOptions): OpKernelConfig[] {
  return [
    ...fusedKernelConfigs(),
    ...(batchNorm ? batchNormKernelConfigs() : []),
    broadcastKernelConfig(),
    adamKernelConfig(),
  ];
}

const current = (name: string) => getKernel(name, 'webgpu') as OpKernelConfig | undefined;

function replace(config: KernelConfig): void {
  if (current(config.kernelName) !== undefined) unregisterKernel(config.kernelName, 'webgpu');
  registerKernel(config);
}

/**
 * Registers our kernels on the 'webgpu' backend (call after importing @tensorflow/tfjs-backend-webgpu), and
 * our gradients of Relu, Mean and Sum. Idempotent; the replaced stock kernels stay reachable as fallbacks (for
 * attributes ours do not cover) and through restoreStockWebGPUKernels().
 */
export function registerWebGPUKernels(options: WebGPUKernelOptions = {}): void {
  for (const fast of FAST_KERNELS) {
    const existing = current(fast.name);
    // The stock config, kept in ours: registering twice must not wrap our own kernel.
    const stock = existing?.replaced ?? existing;
    replace({ ...withFallback(fast, stock?.kernelFunc), replaced: stock } as OpKernelConfig);
  }
  const wanted = opKernelConfigs(options);
  for (const config of wanted) replace(config);
  for (const config of batchNormKernelConfigs()) {
    if (!wanted.some((w) => w.kernelName === config.kernelName))
      unregisterKernel(config.kernelName, 'webgpu');
  }
  registerGradientOverrides();
}

/**
 * Puts the stock tfjs kernels back and unregisters our ops' kernels, so every op runs its plain-op composite
 * (the "stock" side of A/B benchmarks).
 */
export function restoreStockWebGPUKernels(): void {
  for (const fast of FAST_KERNELS) {
    const stock = current(fast.name)?.replaced;
    if (stock === undefined) continue;
    unregisterKernel(fast.name, 'webgpu');
    registerKernel(stock);
  }
  for (const config of opKernelConfigs({})) {
    if (current(config.kernelName) !== undefined) unregisterKernel(config.kernelName, 'webgpu');
  }
}

/** Imports @tensorflow/tfjs-backend-webgpu (after createWebGPU), so that it registers the 'webgpu' backend. */
export async function importWebGPUBackend(): Promise<void> {
  await import('@tensorflow/tfjs-backend-webgpu');
}
