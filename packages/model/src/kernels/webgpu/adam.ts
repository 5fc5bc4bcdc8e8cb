// Fused Adam for WebGPU. tfjs's AdamOptimizer records ~10 elementwise ops per variable and uploads fresh
// scalar tensors every step (~105 ms of CPU issue time per step for the seed model on Dawn). Here each
// variable takes three dispatches of one WGSL program (new m, new v, new weight: each recomputes m'/v' from
// the same inputs, so no op waits on another), with lr/betas/epsilon/bias corrections passed as uniforms:
// no scalar uploads. Same arithmetic order as tfjs-core's AdamOptimizer.applyGradients.

import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { makeProgram, type ProgramUniforms, u, type WebGPUBackendLike } from './program.js';

export const ADAM_UPDATE = 'Ct3dAdamUpdate';

/** Which tensor one dispatch writes: new first moment, new second moment, or new weight. */
export type AdamOutput = 'm' | 'v' | 'w';

/** Scalars of one Adam step (oneMinusAcc = 1 - beta^t, the bias corrections). */
export interface AdamScalars {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  oneMinusAcc1: number;
  oneMinusAcc2: number;
}

const UNIFORMS =
  'lr: f32, beta1: f32, oneMinusBeta1: f32, beta2: f32, oneMinusBeta2: f32, epsilon: f32, oneMinusAcc1: f32, oneMinusAcc2: f32,';

function adamProgram(size: number, shape: number[], out: AdamOutput) {
  const result =
    out === 'm'
      ? 'm1'
      : out === 'v'
        ? 'v1'
        : 'w[i] + (m1 / uniforms.oneMinusAcc1) / (sqrt(v1 / uniforms.oneMinusAcc2) + uniforms.epsilon) * -uniforms.lr';
  const code = `
fn main(index: i32) {
  let i = u32(index);
  if (i < ${u(size)}) {
    // Every binding must be statically used: layout 'auto' drops unused ones and the bind group then fails.
    _ = w[i];
    let gi = g[i];
    let m1 = m[i] * uniforms.beta1 + gi * uniforms.oneMinusBeta1;
    let v1 = v[i] * uniforms.beta2 + (gi * gi) * uniforms.oneMinusBeta2;
    result[i] = ${result};
  }
}`;
  return makeProgram({
    key: `adam_${out}_${size}`,
    inputs: ['w', 'm', 'v', 'g'],
    outputShape: shape,
    groups: Math.ceil(size / 256),
    code,
    uniforms: UNIFORMS,
  });
}

function uniformValues(s: AdamScalars): ProgramUniforms {
  const f = (x: number) => ({ type: 'float32' as const, data: [x] });
  return [
    f(s.lr),
    f(s.beta1),
    f(1 - s.beta1),
    f(s.beta2),
    f(1 - s.beta2),
    f(s.epsilon),
    f(s.oneMinusAcc1),
    f(s.oneMinusAcc2),
  ];
}

type Args = { inputs: Record<string, TensorInfo>; backend: WebGPUBackendLike; attrs: NamedAttrMap };

function adamUpdateKernel({ inputs, backend, attrs }: Args): TensorInfo {
  const { w, m, v, g } = inputs;
  const size = w.shape.reduce((a, b) => a * b, 1);
  const program = adamProgram(size, w.shape, attrs.out as AdamOutput);
  return backend.runWebGPUProgram(
    program,
    [w, m, v, g],
    'float32',
    uniformValues(attrs as unknown as AdamScalars),
  );
}

export function adamKernelConfig(): KernelConfig {
  return {
    kernelName: ADAM_UPDATE,
    backendName: 'webgpu',
    kernelFunc: adamUpdateKernel as unknown as KernelConfig['kernelFunc'],
  };
}

/** The same step in plain tf ops (other backends, and the reference in tests). */
function adamUpdateOps(
  w: tf.Tensor,
  m: tf.Tensor,
  v: tf.Tensor,
  g: tf.Tensor,
  s: AdamScalars,
  out: AdamOutput,
) {
  const m1 = tf.add(tf.mul(m, s.beta1), tf.mul(g, 1 - s.beta1));
  if (out === 'm') return m1;
  const v1 = tf.add(tf.mul(v, s.beta2), tf.mul(tf.square(g), 1 - s.beta2));
  if (out === 'v') return v1;
  const mHat = tf.div(m1, s.oneMinusAcc1);
  const vHat = tf.div(v1, s.oneMinusAcc2);
  return tf.add(tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), s.epsilon)), -s.lr), w);
}

/** One output of an Adam step: the fused kernel where registered (webgpu), plain tf ops elsewhere. */
export function adamUpdate(
  w: tf.Tensor,
  m: tf.Tensor,
  v: tf.Tensor,
  g: tf.Tensor,
  s: AdamScalars,
  out: AdamOutput,
): tf.Tensor {
  const fused = tf.getKernel(ADAM_UPDATE, tf.getBackend()) !== undefined && g.dtype === 'float32';
  if (!fused) return tf.tidy(() => adamUpdateOps(w, m, v, g, s, out));
  const attrs = { ...s, out } as unknown as NamedAttrMap;
  return tf.engine().runKernel(ADAM_UPDATE, { w, m, v, g }, attrs) as tf.Tensor;
}
