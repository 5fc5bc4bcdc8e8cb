// The adamUpdate op's kernel on WebGPU (ops/adam-update.ts). tfjs's AdamOptimizer records ~10 elementwise ops per variable and uploads fresh
// scalar tensors every step (~105 ms of CPU issue time per step for the seed model on Dawn). Here each
// variable takes three dispatches of one WGSL program (new m, new v, new weight: each recomputes m'/v' from
// the same inputs, so no op waits on another), with lr/betas/epsilon/bias corrections passed as uniforms:
// no scalar uploads. Same arithmetic order as tfjs-core's AdamOptimizer.applyGradients.

import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { ADAM_UPDATE, type AdamOutput, type AdamScalars } from '../../ops/adam-update.js';
import { makeProgram, type ProgramUniforms, u, type WebGPUBackendLike } from './program.js';

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
