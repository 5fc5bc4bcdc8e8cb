// Fast 3D kernels for the tfjs 'wasm' backend: under the stock kernel names (so tf.conv3d, tfjs-layers and
// autodiff use them unchanged) and under our ops' names (ops/*.ts dispatch to them through the registry).
import '@tensorflow/tfjs-backend-wasm';
import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import { registerGradientOverrides } from '../../ops/index.js';
import { batchNormConfigs } from './batchnorm.js';
import { blockConfigs } from './block.js';
import { conv3DConfigs } from './conv3d.js';
import { fusedConfig } from './fused.js';
import { identityConfig } from './identity.js';
import { pool3DConfigs } from './pool3d.js';
import { reduceConfigs } from './reduce.js';
import { reluGradConfig } from './relu-grad.js';

/**
 * Replaces the stock wasm kernels named in wasmKernelNames with the fast ones, registers our ops' kernels and
 * our gradients of Relu, Mean and Sum. Idempotent (the registry is the only state).
 */
export function registerWasmKernels(): void {
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
  registerGradientOverrides();
}

export const wasmKernelNames: readonly string[] = [
  'Conv3D',
  'Conv3DBackpropFilterV2',
  'Conv3DBackpropInputV2',
  'MaxPool3D',
  'MaxPool3DGrad',
  'Sum',
  'Mean',
  'Ct3dReluGrad (Relu gradient)',
  'Ct3dConv3DBiasRelu',
  'Ct3dConvBlock, Ct3dConvBlockFilterGrad, Ct3dConvBlockInputGrad',
  'Ct3dBatchNorm* and Ct3dMovingAverage (BatchNormalization3D, training and inference)',
  'Identity (shares the data id, no copy)',
];

export { disposeConvWorker, getConvThreads, setConvThreads, startConvWorker } from './threads.js';
