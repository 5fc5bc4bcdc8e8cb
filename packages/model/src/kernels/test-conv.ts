// The conv kernel spec shared by the Conv3D and the wasm thread specs: forward and both gradients on an env
// against the cpu backend, within the env's bound, or wasm's Winograd F(4x4x4) bound where that runs.
import type { KernelTestEnv } from '../test-backends/envs.js';
import { expectAllClose, onCpuAndEnv, randomTensor, runOn, type Shape5 } from '../test-backends/run.js';
import * as tf from '../tf.js';
import { expectWithinMagnitude, runsWinogradF4, WINOGRAD_TOL } from './wasm/test-winograd-bound.js';

export type Pad = 'valid' | 'same';

/**
 * Forward, input gradient and filter gradient of a stride-1 conv (x, filter and output gradient from seeds
 * seed, seed + 1, seed + 2, in [-0.5, 0.5)); abs: of |x|, |w| and |dy|, i.e. per element the sum of the
 * magnitudes of its terms.
 */
function convAll(xs: Shape5, fs: Shape5, pad: Pad, seed: number, abs = false): tf.Tensor[] {
  const data = (shape: number[], s: number) => {
    const t = randomTensor(shape, s, 0.5);
    return abs ? tf.abs(t) : t;
  };
  const x = data(xs, seed) as tf.Tensor5D;
  const w = data(fs, seed + 1) as tf.Tensor5D;
  const y = tf.conv3d(x, w, 1, pad);
  const dy = data(y.shape, seed + 2);
  const f = (a: tf.Tensor, b: tf.Tensor) =>
    tf.sum(tf.mul(tf.conv3d(a as tf.Tensor5D, b as tf.Tensor5D, 1, pad), dy));
  return [y, ...tf.grads(f)([x, w])];
}

/** convAll on the env against cpu: the env's bound, or where wasm runs Winograd F(4x4x4), its bound. */
export async function expectConvMatchesCpu(
  env: KernelTestEnv,
  xs: Shape5,
  fs: Shape5,
  pad: Pad,
  seed: number,
): Promise<void> {
  const { ref, got } = await onCpuAndEnv(env, () => convAll(xs, fs, pad, seed));
  if (!(env.name === 'wasm' && pad === 'valid' && runsWinogradF4(xs, fs))) {
    expectAllClose(got, ref, env.tol, ['y', 'dx', 'dw']);
    return;
  }
  const mag = await runOn('cpu', () => convAll(xs, fs, pad, seed, true));
  for (let i = 0; i < 3; i++)
    expectWithinMagnitude(got[i].values, ref[i].values, mag[i].values, WINOGRAD_TOL[4]);
}
