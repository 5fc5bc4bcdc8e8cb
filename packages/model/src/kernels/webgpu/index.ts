// WebGPU (Dawn in Node) backend support: create the GPU before tfjs-backend-webgpu is imported, then replace
// the stock 3D convolution and pooling kernels by our WGSL programs.
import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import { adamKernelConfig } from './adam.js';
import { batchNormKernelConfigs } from './batchnorm.js';
import { setOurOpsEnabled } from './enabled.js';
import { fusedKernelConfigs, registerFusedGradient } from './fused.js';
import { broadcastKernelConfig, registerReductionGradients } from './grads.js';
import { FAST_KERNELS, withFallback } from './kernels.js';

export { ADAM_UPDATE, type AdamOutput, type AdamScalars, adamUpdate } from './adam.js';
export {
  batchNormInference,
  batchNormTraining,
  movingAverageFromMoments,
  setWebGPUBatchNormEnabled,
  useWebGPUBatchNorm,
} from './batchnorm.js';
export { createWebGPU, describeAdapter, type WebGPUInfo } from './device.js';
export { conv3dBiasRelu, conv3dBiasReluPool } from './fused.js';
export { FusedAdamOptimizer } from './fused_adam.js';

const stockKernels = new Map<string, ReturnType<typeof getKernel>>();

/** Names of the kernels registerWebGPUKernels replaces. */
export const WEBGPU_KERNEL_NAMES: readonly string[] = FAST_KERNELS.map((k) => k.name);

/**
 * Registers our WGSL kernels on the 'webgpu' backend (call after importing @tensorflow/tfjs-backend-webgpu).
 * Idempotent; the stock kernels stay reachable as fallbacks and through restoreStockWebGPUKernels().
 */
export function registerWebGPUKernels(): void {
  for (const fast of FAST_KERNELS) {
    if (!stockKernels.has(fast.name)) stockKernels.set(fast.name, getKernel(fast.name, 'webgpu'));
    const stock = stockKernels.get(fast.name);
    if (getKernel(fast.name, 'webgpu') !== undefined) unregisterKernel(fast.name, 'webgpu');
    registerKernel(withFallback(fast, stock?.kernelFunc));
  }
  const custom = [
    ...fusedKernelConfigs(),
    ...batchNormKernelConfigs(),
    broadcastKernelConfig(),
    adamKernelConfig(),
  ];
  for (const config of custom) {
    if (getKernel(config.kernelName, 'webgpu') === undefined) registerKernel(config);
  }
  registerFusedGradient();
  registerReductionGradients();
  setOurOpsEnabled(true);
}

/** Puts the stock tfjs kernels back and turns our fused conv / batch norm ops off (for A/B benchmarks). */
export function restoreStockWebGPUKernels(): void {
  setOurOpsEnabled(false);
  for (const [name, stock] of stockKernels) {
    if (getKernel(name, 'webgpu') !== undefined) unregisterKernel(name, 'webgpu');
    if (stock !== undefined) registerKernel(stock);
  }
}

/** Imports @tensorflow/tfjs-backend-webgpu (after createWebGPU), so that it registers the 'webgpu' backend. */
export async function importWebGPUBackend(): Promise<void> {
  await import('@tensorflow/tfjs-backend-webgpu');
}
