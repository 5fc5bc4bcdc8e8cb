import { closeMismatch } from '@ct3d/test-support';
import { describe, expect, it } from 'vitest';
import {
  BATCH_NORM_MOMENTS,
  batchNormTraining,
  channelMoments,
  hasKernelFor,
  movingAverageFromMoments,
  normalizeChannels,
} from '../../ops/index.js';
import { compareBackends, type Inputs, randomArray, setupWebGPU, tf, WEBGPU_TOL } from './testing.js';

const info = await setupWebGPU();
const suite = info === null ? describe.skip : describe;
const EPS = 1e-3;
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
/** Uniform in [offset - 1, offset + 1): a mean far from 0 checks the variance does not cancel. */
const input = (shape: number[], seed: number, offset = 0) => ({
  values: randomArray(size(shape), seed).map((v) => v + offset),
  shape,
});

// odd sides, channels 3, 5, 129 (scalar lanes), 8, 12, 4, 64 (vec4); batch 1 and 3; > 16 rows a thread (4 ch);
// > 256 first-level workgroups (129 ch: the second level's threads take several partials each)
const CASES: number[][] = [
  [1, 3, 5, 7, 3],
  [3, 5, 3, 3, 5],
  [3, 7, 5, 3, 8],
  [1, 9, 7, 5, 12],
  [2, 3, 5, 3, 64],
  [1, 31, 29, 17, 4],
  [1, 17, 17, 17, 129],
];

/** The op on webgpu; on cpu the layer's plain-op path (what the product runs there). */
function batchNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): { y: tf.Tensor; stats: tf.Tensor } {
  if (hasKernelFor(BATCH_NORM_MOMENTS, { x })) {
    const { y, moments } = batchNormTraining(x, gamma, beta, EPS);
    return { y, stats: moments };
  }
  const { mean, variance } = channelMoments(x);
  return { y: normalizeChannels(x, mean, variance, gamma, beta, EPS), stats: tf.stack([mean, variance]) };
}

const PARTS = ['y', 'mean and variance', 'dx', 'dgamma', 'dbeta'];
/**
 * dgamma and dbeta are float32 sums over up to ~5000 rows, in different orders on the GPU and in tfjs cpu (the
 * reference has the same rounding): 129 channels leave 3.5e-5 on a 0.14 sum. Every other part: WEBGPU_TOL.
 */
const SUM_TOL = { rtol: 1e-4, atol: 5e-5 };
const partTol = (name: string) => (name === 'dgamma' || name === 'dbeta' ? SUM_TOL : WEBGPU_TOL);

suite('batch norm (training) on webgpu equals the plain-op path on cpu', { timeout: 120_000 }, () => {
  it.each(CASES.map((c) => [c]))('y, moments, dx, dgamma, dbeta %j', async (xs: number[]) => {
    const c = xs[4];
    const inputs: Inputs = {
      x: input(xs, 41, 3),
      g: input([c], 42),
      b: input([c], 43),
      w: input(xs, 44),
    };
    // one run per backend: every result flattened into one tensor, compared part by part
    const r = await compareBackends(inputs, (t) => {
      const { y, stats } = batchNorm(t.x, t.g, t.b);
      const loss = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const out = batchNorm(x, g, b);
        out.stats.dispose();
        return tf.sum(tf.mul(out.y, t.w));
      };
      const grads = tf.grads(loss)([t.x, t.g, t.b]);
      return tf.concat([y, stats, ...grads].map((v) => tf.reshape(v, [-1])));
    });
    const sizes = [size(xs), 2 * c, size(xs), c, c];
    let offset = 0;
    PARTS.forEach((name, i) => {
      const part = (v: Float32Array) => v.subarray(offset, offset + sizes[i]);
      expect(closeMismatch(part(r.gpu.values), part(r.cpu.values), partTol(name)), name).toBeNull();
      offset += sizes[i];
    });
    expect(r.gpu.values.length).toBe(offset);
  });

  it('moving average from the moments equals moving * m + stat * (1 - m)', async () => {
    const inputs: Inputs = { v: input([6], 48), m: input([2, 6], 49) };
    for (const row of [0, 1] as const) {
      // on cpu the op is its composite, the formula in plain ops
      const op = (t: Record<string, tf.Tensor>) => movingAverageFromMoments(t.v, t.m, row, 0.99);
      const r = await compareBackends(inputs, op, { rtol: 1e-6, atol: 1e-7 });
      expect(r.mismatch).toBeNull();
    }
  });

  it('is used only on webgpu', async () => {
    await tf.setBackend('cpu');
    const x = tf.zeros([1, 2, 2, 2, 4]);
    expect(hasKernelFor(BATCH_NORM_MOMENTS, { x })).toBe(false);
    x.dispose();
    await tf.setBackend('webgpu');
    const y = tf.zeros([1, 2, 2, 2, 4]);
    expect(hasKernelFor(BATCH_NORM_MOMENTS, { x: y })).toBe(true);
    y.dispose();
  });
});
