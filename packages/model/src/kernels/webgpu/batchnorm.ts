// Rank-5 batch norm (channels last) as our WGSL kernels on WebGPU: training forward = moments (2 dispatches)
// + normalize (1); backward = one reduction (sum dy, sum dy * xhat; 3 dispatches) + dx (1); the moving
// statistics update is one dispatch per variable. Built from plain tf ops this layer was ~25 elementwise,
// reduce and transpose dispatches each step (tf.moments transposes the reduced axes last).

import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
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
import { ourOpsEnabled } from './enabled.js';
import { product, type WebGPUBackendLike } from './program.js';

const MOMENTS = 'Ct3dBatchNormMoments';
const APPLY = 'Ct3dBatchNormApply';
const GRAD = 'Ct3dBatchNormGrad';
const MOVING = 'Ct3dMovingAverage';

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

export function batchNormKernelConfigs(): KernelConfig[] {
  const k = (kernelName: string, f: (a: Args) => TensorInfo | TensorInfo[]): KernelConfig => ({
    kernelName,
    backendName: 'webgpu',
    kernelFunc: f as unknown as KernelFunc,
  });
  return [k(MOMENTS, moments), k(APPLY, apply), k(GRAD, grad), k(MOVING, movingAverage)];
}

let bnEnabled = true;
/** false: BatchNormalization3D uses the plain-op path on webgpu too (A/B benchmarks); default true. */
export function setWebGPUBatchNormEnabled(on: boolean): void {
  bnEnabled = on;
}

/** Whether the batch norm of x runs on our kernels: webgpu backend, kernels registered, a channel count that fits. */
export function useWebGPUBatchNorm(x: tf.Tensor): boolean {
  if (tf.getBackend() !== 'webgpu' || !ourOpsEnabled() || !bnEnabled || x.dtype !== 'float32' || x.rank < 2) {
    return false;
  }
  if (tf.getKernel(MOMENTS, 'webgpu') === undefined) return false;
  const c = x.shape[x.rank - 1];
  return bnGeom(x.size / c, c) !== null;
}

const run = (name: string, inputs: tf.NamedTensorMap, attrs: NamedAttrMap = {}) =>
  tf.engine().runKernel(name, inputs, attrs);

/**
 * Training-mode batch norm of x [..., C] with the batch moments, and its gradient (dx, dgamma, dbeta) as one
 * custom op. Returns y and the moments [2, C] (mean, biased variance) for the moving statistics: the caller
 * owns `moments` (tf.keep'd; dispose it). Only when useWebGPUBatchNorm(x).
 */
export function batchNormTraining(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
): { y: tf.Tensor; moments: tf.Tensor2D } {
  let kept: tf.Tensor2D | undefined;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const m = run(MOMENTS, { x: xi }) as tf.Tensor2D;
    const y = run(APPLY, { x: xi, moments: m, gamma: g, beta: b }, { epsilon }) as tf.Tensor;
    save([xi, g, m]);
    // customGrad runs f inside a tidy that keeps only y: keep the moments for the moving statistics.
    kept = tf.keep(m);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [sx, sg, sm] = saved;
        return run(GRAD, { dy: dy as tf.Tensor, x: sx, moments: sm, gamma: sg }, { epsilon }) as tf.Tensor[];
      },
    };
  });
  const y = op(x, gamma, beta);
  if (kept === undefined) throw new Error('webgpu batch norm: moments were not computed');
  return { y, moments: kept };
}

/** Inference-mode batch norm with given statistics: one stack of [mean, variance] and one normalize pass. */
export function batchNormInference(
  x: tf.Tensor,
  mean: tf.Tensor,
  variance: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
): tf.Tensor {
  return tf.tidy(() => {
    const m = tf.stack([mean, variance]);
    return run(APPLY, { x, moments: m, gamma, beta }, { epsilon }) as tf.Tensor;
  });
}

/** moving * momentum + moments[row] * (1 - momentum), row 0 = mean, 1 = variance (one dispatch). */
export function movingAverageFromMoments(
  moving: tf.Tensor,
  moments: tf.Tensor,
  row: 0 | 1,
  momentum: number,
): tf.Tensor {
  return run(MOVING, { moving, moments }, { row, momentum }) as tf.Tensor;
}
