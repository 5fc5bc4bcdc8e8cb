// Fast 3D kernels for the tfjs 'wasm' backend: registered under the stock kernel names, so tf.conv3d,
// tfjs-layers and autodiff use them unchanged.
import '@tensorflow/tfjs-backend-wasm';
import { getKernel, registerGradient, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import { batchNormConfigs } from './batchnorm.js';
import { blockConfigs, blockGradConfig } from './block.js';
import { conv3DConfigs } from './conv3d.js';
import { fusedConfig, fusedGradConfig } from './fused.js';
import { identityConfig } from './identity.js';
import { pool3DConfigs } from './pool3d.js';
import { reduceConfigs } from './reduce.js';
import { reluGradConfig, reluGradConfigGrad } from './relu-grad.js';

let registered = false;

/** Replaces the stock wasm kernels named in wasmKernelNames with the fast ones. Idempotent. */
export function registerWasmKernels(): void {
  if (registered) return;
  const configs = [
    ...conv3DConfigs,
    ...pool3DConfigs,
    ...reduceConfigs(),
    reluGradConfig,
    fusedConfig,
    ...blockConfigs,
    ...batchNormConfigs,
    identityConfig,
  ];
  for (const c of configs) {
    if (getKernel(c.kernelName, c.backendName)) unregisterKernel(c.kernelName, c.backendName);
    registerKernel(c);
  }
  // Relu's gradient (all backends): one pass on wasm instead of step(x) * dy (a full-size temporary).
  registerGradient(reluGradConfigGrad);
  registerGradient(fusedGradConfig);
  registerGradient(blockGradConfig);
  registered = true;
}

export const wasmKernelNames: readonly string[] = [
  'Conv3D',
  'Conv3DBackpropFilterV2',
  'Conv3DBackpropInputV2',
  'MaxPool3D',
  'MaxPool3DGrad',
  'Sum',
  'Mean',
  'Relu (gradient, via Ct3dReluGrad)',
  'Ct3dConv3DBiasRelu',
  'Ct3dConvBlock',
  'Ct3dBatchNorm* (BatchNormalization3D, training and inference)',
  'Identity (shares the data id, no copy)',
];

export { useWasmBatchNorm } from './batchnorm.js';
export { conv3dBiasReluPool } from './block.js';

export { conv3dBiasRelu } from './fused.js';
export { disposeConvWorker, getConvThreads, setConvThreads } from './threads.js';
