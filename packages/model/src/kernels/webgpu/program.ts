// The slice of tfjs-backend-webgpu's internals our kernels use: a WebGPUProgram (WGSL body + dispatch) that
// backend.runWebGPUProgram compiles (cached by shaderKey) and records into the backend's command encoder.
import type { DataId, DataType, TensorInfo } from '@tensorflow/tfjs-core';

export interface GpuProgram {
  variableNames: string[];
  variableComponents?: number[];
  outputComponent?: number;
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  getUserCode: () => string;
  /** Extra uniform fields (WGSL struct members), filled per dispatch by runWebGPUProgram's 4th argument. */
  uniforms?: string;
}

/** Per-dispatch uniform values, in the order of GpuProgram.uniforms. */
export type ProgramUniforms = { type: 'float32' | 'int32'; data: number[] }[];

export interface WebGPUBackendLike {
  runWebGPUProgram(
    program: GpuProgram,
    inputs: TensorInfo[],
    outputDtype: DataType,
    uniforms?: ProgramUniforms,
  ): TensorInfo;
  disposeData(dataId: DataId, force?: boolean): boolean;
}

/** Linear workgroup index: the backend reshapes a 1-D dispatch over 65535 into 2-D/3-D. */
export const WG_INDEX =
  'workgroupId.x + workgroupId.y * numWorkgroups.x + workgroupId.z * numWorkgroups.x * numWorkgroups.y';

/** A program over a 1-D grid of `groups` workgroups of `threads` threads; the body defines `fn main(index: i32)`. */
export function makeProgram(opts: {
  key: string;
  inputs: string[];
  components?: number[];
  outputComponent?: number;
  outputShape: number[];
  groups: number;
  threads?: number;
  code: string;
  uniforms?: string;
}): GpuProgram {
  const threads = opts.threads ?? 256;
  return {
    variableNames: opts.inputs,
    variableComponents: opts.components ?? opts.inputs.map(() => 1),
    outputComponent: opts.outputComponent ?? 1,
    outputShape: opts.outputShape,
    shaderKey: `ct3d_${opts.key}`,
    dispatchLayout: { x: [0] },
    dispatch: [Math.max(1, opts.groups), 1, 1],
    workgroupSize: [threads, 1, 1],
    ...(opts.uniforms === undefined ? {} : { uniforms: opts.uniforms }),
    // The backend always binds its uniform buffer; touch it so that layout 'auto' keeps the binding.
    getUserCode: () =>
      opts.code.replace('fn main(index: i32) {', 'fn main(index: i32) {\n  _ = uniforms.NAN;'),
  };
}

export function product(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** WGSL literal for an unsigned constant. */
export function u(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`webgpu kernel: bad constant ${n}`);
  return `${n}u`;
}
