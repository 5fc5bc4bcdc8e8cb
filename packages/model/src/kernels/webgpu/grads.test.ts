import { describe, expect, it } from 'vitest';
import { compareBackends, type Inputs, randomArray, setupWebGPU, tf } from './testing.js';

const info = await setupWebGPU();
const suite = info === null ? describe.skip : describe;
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
const input = (shape: number[], seed: number) => ({ values: randomArray(size(shape), seed), shape });

// [x shape, reduced axes]: batch-norm style (all but channels), inner axes, all axes, keepDims-free rank 2
const CASES: [number[], number[]][] = [
  [
    [2, 3, 4, 5, 6],
    [0, 1, 2, 3],
  ],
  [
    [2, 3, 4, 5, 6],
    [1, 2, 3],
  ],
  [
    [3, 4, 5],
    [0, 1, 2],
  ],
  [[7, 9], [1]],
];

suite('Mean/Sum gradients (no tf.ones upload) on webgpu equal cpu', { timeout: 120_000 }, () => {
  it.each(CASES)('d/dx of mean and sum %j over %j', async (xs, axes) => {
    const kept = xs.filter((_, i) => !axes.includes(i));
    const inputs: Inputs = { x: input(xs, 31), w: input(kept.length ? kept : [1], 32) };
    const r = await compareBackends(inputs, (t) =>
      tf.grad((x: tf.Tensor) =>
        tf.add(
          tf.sum(tf.mul(tf.reshape(tf.mean(x, axes), t.w.shape), t.w)),
          tf.sum(tf.mul(tf.reshape(tf.sum(tf.square(x), axes), t.w.shape), t.w)),
        ),
      )(t.x),
    );
    expect(r.gpu.shape).toEqual(xs);
    expect(r.mismatch).toBeNull();
    // analytic: w[kept index] * (1/n + 2x)
    const n = axes.reduce((a, i) => a * xs[i], 1);
    const x = inputs.x.values;
    const w = inputs.w.values;
    const strides = xs.map((_, d) => size(xs.slice(d + 1)));
    let err = 0;
    for (let i = 0; i < x.length; i++) {
      let j = 0;
      xs.forEach((s, d) => {
        if (!axes.includes(d)) j = j * s + (Math.floor(i / strides[d]) % s);
      });
      err = Math.max(err, Math.abs(r.gpu.values[i] - w[j] * (1 / n + 2 * x[i])));
    }
    expect(err).toBeLessThan(1e-5);
  });

  it('batch-norm moments gradient matches cpu', async () => {
    const xs = [2, 4, 3, 5, 8];
    const inputs: Inputs = { x: input(xs, 41), w: input([8], 42) };
    const r = await compareBackends(inputs, (t) =>
      tf.grad((x: tf.Tensor) => {
        const m = tf.moments(x, [0, 1, 2, 3]);
        return tf.sum(tf.mul(tf.add(m.mean, tf.sqrt(tf.add(m.variance, 1e-3))), t.w));
      })(t.x),
    );
    expect(r.mismatch).toBeNull();
  });
});
