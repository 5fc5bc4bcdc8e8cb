import { channelMoments, normalizeChannels } from './ops/batch-norm.js';
import * as tf from './tf.js';

/** Deterministic pseudo-random values in [-1, 1) so the probe is identical on every backend. */
function fill(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/**
 * One seed block and head on tiny tensors: conv3d(valid) -> relu -> maxPool3d -> the BatchNormalization3D
 * training ops -> global mean -> dense -> sigmoid; returns the loss and its gradients w.r.t. input, kernel
 * and dense weights. Covers every op the seed model needs forward and backward.
 */
async function probeValues(): Promise<Float32Array[]> {
  const outputs = tf.tidy(() => {
    const x = tf.tensor5d(fill(2 * 8 * 8 * 6 * 2, 1), [2, 8, 8, 6, 2]);
    const k = tf.mul(tf.tensor5d(fill(3 * 3 * 3 * 2 * 4, 2), [3, 3, 3, 2, 4]), 0.3);
    const w = tf.tensor2d(fill(4, 3), [4, 1]);
    const loss = (xi: tf.Tensor, ki: tf.Tensor, wi: tf.Tensor): tf.Scalar => {
      const conv = tf.relu(tf.conv3d(xi as tf.Tensor5D, ki as tf.Tensor5D, 1, 'valid'));
      const pooled = tf.maxPool3d(conv as tf.Tensor5D, 2, 2, 'valid');
      const { mean, variance } = channelMoments(pooled);
      const normed = normalizeChannels(pooled, mean, variance, tf.onesLike(mean), tf.zerosLike(mean), 1e-3);
      const features = tf.mean(normed, [1, 2, 3]) as tf.Tensor2D;
      return tf.sum(tf.sigmoid(tf.matMul(tf.add(features, tf.mean(pooled, [1, 2, 3])), wi as tf.Tensor2D)));
    };
    const value = loss(x, k, w);
    const grads = tf.grads(loss)([x, k, w]);
    return [value, ...grads];
  });
  // Asynchronous reads: WebGPU in Node cannot read synchronously.
  try {
    return (await Promise.all(outputs.map((t) => t.data()))) as Float32Array[];
  } finally {
    tf.dispose(outputs);
  }
}

/** Largest |a - b| relative to the largest |b| of each probe output. */
function worstRelativeError(got: Float32Array[], want: Float32Array[]): number {
  let worst = 0;
  want.forEach((ref, i) => {
    const scale = Math.max(1e-6, ...Array.from(ref, Math.abs));
    for (let j = 0; j < ref.length; j++) {
      worst = Math.max(worst, Math.abs(got[i][j] - ref[j]) / scale);
    }
  });
  return worst;
}

/**
 * Checks that `backend` (already registered) computes the seed's forward pass and gradients like the
 * reference pure-JS 'cpu' backend. Leaves `backend` active on success; throws with the reason otherwise.
 */
export async function verifyBackendGradients(backend: string, tolerance = 1e-3): Promise<number> {
  if (!(await tf.setBackend('cpu'))) throw new Error("the reference 'cpu' backend failed to initialize");
  const reference = await probeValues();
  if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
  try {
    const error = worstRelativeError(await probeValues(), reference);
    if (!(error <= tolerance)) {
      throw new Error(
        `forward/gradient probe differs from cpu by ${error.toExponential(2)} (> ${tolerance})`,
      );
    }
    return error;
  } catch (err) {
    // Never leave a backend with wrong results active.
    await tf.setBackend('cpu');
    throw err instanceof Error && err.message.startsWith('forward/gradient')
      ? err
      : new Error(`gradient probe failed: ${errorText(err)}`);
  }
}

export function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0];
}
