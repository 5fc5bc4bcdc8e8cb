// How an op of ours picks its implementation: the tfjs kernel registry, never the backend's name. Each op has
// one kernel name; a backend that has a fast version registers a kernel under it (kernels/<backend>/index.ts),
// and the op runs that kernel when the active backend has one that covers the inputs, its composite of plain
// tfjs ops otherwise.
import * as tf from '../tf.js';

/** Inputs of a kernel as tfjs passes them to kernelFunc. */
export type KernelInputs = Record<string, tf.TensorInfo>;

/**
 * A kernel config that may say which inputs it covers: `supports` returning false sends the op to its
 * composite (e.g. a WGSL kernel written for up to 1024 channels). Stored as registered, so getKernel returns it.
 */
export interface OpKernelConfig extends tf.KernelConfig {
  /** Absent: the kernel covers float32 inputs of any shape. */
  supports?: (inputs: KernelInputs, attrs: tf.NamedAttrMap) => boolean;
  /** The kernel this one replaced under a stock name (so that unregistering can put it back). */
  replaced?: tf.KernelConfig;
}

/** The registered kernel config of `name` on the active backend, if any. */
export function activeKernel(name: string): OpKernelConfig | undefined {
  return tf.getKernel(name, tf.getBackend()) as OpKernelConfig | undefined;
}

const allFloat32 = (inputs: KernelInputs): boolean =>
  Object.values(inputs).every((t) => t.dtype === 'float32');

/** Whether the active backend has a kernel `name` that covers these inputs. */
export function hasKernelFor(name: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap = {}): boolean {
  const kernel = activeKernel(name);
  if (kernel === undefined) return false;
  return kernel.supports ? kernel.supports(inputs, attrs) : allFloat32(inputs);
}

/** Runs kernel `name` with `inputs` when the active backend has one covering them, else `composite()`. */
export function dispatch<T extends tf.Tensor | tf.Tensor[]>(
  name: string,
  inputs: tf.NamedTensorMap,
  attrs: tf.NamedAttrMap,
  composite: () => T,
): T {
  if (!hasKernelFor(name, inputs, attrs)) return composite();
  return tf.engine().runKernel(name, inputs, attrs) as T;
}

/** Registers `config` unless the registry already holds it (idempotent without a module flag). */
export function registerGradientOnce(config: tf.GradConfig): void {
  if (tf.getGradient(config.kernelName) !== config) tf.registerGradient(config);
}
