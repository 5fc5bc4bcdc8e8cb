// Identity on 'wasm' without a copy: the stock kernel copies the whole buffer (~10 ms per call on the first
// BatchNorm's input at 128x128x64; autodiff calls it several times a step). Shares the data id with a
// reference count instead, as the stock wasm Reshape and the cpu backend's Identity do.
import { Identity, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelArgs } from './heap.js';

interface RefCounting {
  incRef(dataId: object): void;
}

function identity({ inputs, backend }: KernelArgs): TensorInfo {
  const { x } = inputs;
  (backend as RefCounting).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const identityConfig: KernelConfig = {
  kernelName: Identity,
  backendName: 'wasm',
  kernelFunc: identity as unknown as KernelFunc,
};
