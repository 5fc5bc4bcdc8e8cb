// The batch-norm ops' kernels (ops/batch-norm.ts) as WGSL on WebGPU: training forward = moments (2
// dispatches) + normalize (1); backward = one reduction (sum dy, sum dy * xhat; 3 dispatches) + dx (1); the
// moving statistics update is one dispatch per variable. Channel counts the programs do not fit (bnGeom) go
// to the ops' composites.

import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import {
  BATCH_NORM_APPLY,
  BATCH_NORM_GRAD,
  BATCH_NORM_MOMENTS,
  MOVING_AVERAGE,
} from '../../ops/batch-norm.js';
import type { OpKernelConfig } from '../../ops/dispatch.js';
import {
  applyProgram,
  type BnGeom,
  bnGeom,
  gradPartialProgram,
  inputGradProgram,
  momentsFinalProgram,
  momentsPartialProgram,
  movingAverageProgram,
  partialRowProgram,
} from './batchnorm_programs.js';
import { product, type WebGPUBackendLike } from './program.js';

type Args = { inputs: Record<string, TensorInfo>; backend: WebGPUBackendLike; attrs: NamedAttrMap };

function geomOf(x: TensorInfo): BnGeom {
  const c = x.shape[x.shape.length - 1];
  const g = bnGeom(product(x.shape) / c, c);
  if (g === null) throw new Error(`webgpu batch norm: ${c} channels do not fit the kernel`);
  return g;
}

/** x [..., C] -> moments [2, C]: mean, biased variance. */
function moments({ inputs, backend }: Args): TensorInfo {
  const { x } = inputs;
  const g = geomOf(x);
  const partial = backend.runWebGPUProgram(momentsPartialProgram(g), [x], 'float32');
  const out = backend.runWebGPUProgram(momentsFinalProgram(g), [partial, x], 'float32');
  backend.disposeData(partial.dataId);
  return out;
}

/** y = (x - mean) * rsqrt(var + eps) * gamma + beta, with mean and var from moments [2, C]. */
function apply({ inputs, backend, attrs }: Args): TensorInfo {
  const { x, moments: m, gamma, beta } = inputs;
  const out = backend.runWebGPUProgram(
    applyProgram(geomOf(x), attrs.epsilon as number, x.shape),
    [x, m, gamma, beta],
    'float32',
  );
  return out;
}

/** [dx, dgamma, dbeta] of the training-mode batch norm. */
function grad({ inputs, backend, attrs }: Args): TensorInfo[] {
  const { dy, x, moments: m, gamma } = inputs;
  const eps = attrs.epsilon as number;
  const g = geomOf(x);
  const partial = backend.runWebGPUProgram(gradPartialProgram(g, eps), [dy, x, m], 'float32');
  const dbeta = backend.runWebGPUProgram(partialRowProgram(g, 0), [partial], 'float32');
  const dgamma = backend.runWebGPUProgram(partialRowProgram(g, 1), [partial], 'float32');
  backend.disposeData(partial.dataId);
  const dx = backend.runWebGPUProgram(
    inputGradProgram(g, eps, x.shape),
    [dy, x, m, gamma, dbeta, dgamma],
    'float32',
  );
  return [dx, dgamma, dbeta];
}

function movingAverage({ inputs, backend, attrs }: Args): TensorInfo {
  const { moving, moments: m } = inputs;
  const program = movingAverageProgram(moving.shape[0], attrs.row as 0 | 1, attrs.momentum as number);
  return backend.runWebGPUProgram(program, [moving, m], 'float32');
}

/** Whether the programs fit these inputs: float32, x [..., C] with C a channel count bnGeom accepts. */
function fits(inputs: Record<string, TensorInfo>): boolean {
  const { x } = inputs;
  if (!Object.values(inputs).every((t) => t.dtype === 'float32') || x.shape.length < 2) return false;
  const c = x.shape[x.shape.length - 1];
  return bnGeom(product(x.shape) / c, c) !== null;
}

export function batchNormKernelConfigs(): OpKernelConfig[] {
  const k = (kernelName: string, f: (a: Args) => TensorInfo | TensorInfo[]): OpKernelConfig => ({
    kernelName,
    backendName: 'webgpu',
    kernelFunc: f as unknown as KernelFunc,
    supports: fits,
  });
  return [
    k(BATCH_NORM_MOMENTS, moments),
    k(BATCH_NORM_APPLY, apply),
    k(BATCH_NORM_GRAD, grad),
    { ...k(MOVING_AVERAGE, movingAverage), supports: undefined },
  ];
}
