import { describe, expect, it } from 'vitest';
import { randomArray, setupWebGPU, tf } from '../kernels/webgpu/testing.js';
import { FusedAdamOptimizer } from './fused-adam.js';

const info = await setupWebGPU();
const suite = info === null ? describe.skip : describe;
const SHAPES = [[3, 3, 3, 2, 4], [4], [300, 7], [1]];
const LRS = [1e-2, 3e-3, 5e-2, 1e-3]; // a schedule: the learning rate changes between steps
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

type Result = { weights: Float32Array[]; state: Float32Array[]; iterations: number };

/** Steps an optimizer over fixed random variables and gradients on one backend; reads weights and state. */
async function train(
  backend: 'cpu' | 'webgpu',
  make: () => tf.AdamOptimizer,
  steps: number,
  restoreFrom?: Parameters<tf.AdamOptimizer['setWeights']>[0],
): Promise<Result> {
  await tf.setBackend(backend);
  const opt = make();
  const vars = SHAPES.map((s, i) =>
    tf.variable(tf.tensor(randomArray(size(s), 10 + i), s), true, `w${i}_${backend}_${Math.random()}`),
  );
  if (restoreFrom) await opt.setWeights(restoreFrom);
  for (let step = 0; step < steps; step++) {
    (opt as unknown as { learningRate: number }).learningRate = LRS[step % LRS.length];
    tf.tidy(() => {
      const grads = vars.map((v, i) => ({
        name: v.name,
        tensor: tf.mul(tf.tensor(randomArray(v.size, 100 * step + i), v.shape), step % 2 ? 0.01 : 1),
      }));
      opt.applyGradients(grads);
    });
  }
  const weights = await Promise.all(vars.map((v) => v.data() as Promise<Float32Array>));
  const saved = await opt.getWeights();
  const state = await Promise.all(saved.map((w) => w.tensor.data() as Promise<Float32Array>));
  tf.dispose(vars);
  opt.dispose();
  return { weights, state, iterations: state[0][0] };
}

function maxDiff(a: Float32Array[], b: Float32Array[]): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  a.forEach((x, i) => {
    expect(x.length).toBe(b[i].length);
    x.forEach((y, j) => {
      d = Math.max(d, Math.abs(y - b[i][j]));
    });
  });
  return d;
}

const adam = () => tf.train.adam(0.01, 0.9, 0.999, 1e-7);
const fused = () => new FusedAdamOptimizer(0.01, 0.9, 0.999, 1e-7);

describe('FusedAdamOptimizer off webgpu', () => {
  it('equals tf.train.adam on cpu (plain tfjs Adam)', async () => {
    const ref = await train('cpu', adam, 4);
    const ours = await train('cpu', fused, 4);
    expect(maxDiff(ours.weights, ref.weights)).toBe(0);
  });
});

suite('FusedAdamOptimizer on webgpu equals tf.train.adam on cpu', { timeout: 120_000 }, () => {
  it('weights, moments and iterations after 5 steps with a changing learning rate', async () => {
    const ref = await train('cpu', adam, 5);
    const ours = await train('webgpu', fused, 5);
    expect(ours.iterations).toBe(5);
    expect(ours.state.length).toBe(1 + 2 * SHAPES.length);
    expect(maxDiff(ours.weights, ref.weights)).toBeLessThan(1e-5);
    expect(maxDiff(ours.state, ref.state)).toBeLessThan(1e-5);
    // the weights really moved (lr ~1e-2 per step)
    const start = SHAPES.map((s, i) => randomArray(size(s), 10 + i));
    expect(maxDiff(ours.weights, start)).toBeGreaterThan(1e-2);
  });

  it('resumes from saved state (setWeights) like tfjs Adam', async () => {
    await tf.setBackend('cpu');
    const saved = await (async () => {
      const opt = adam();
      const v = SHAPES.map((s, i) => tf.variable(tf.tensor(randomArray(size(s), 50 + i), s)));
      opt.applyGradients(v.map((x) => ({ name: x.name, tensor: tf.onesLike(x) })));
      const w = await opt.getWeights();
      tf.dispose(v);
      return w.map((x) => ({ name: x.name, tensor: tf.tensor(x.tensor.dataSync(), x.tensor.shape) }));
    })();
    const ref = await train('cpu', adam, 3, saved);
    const ours = await train('webgpu', fused, 3, saved);
    expect(ours.iterations).toBe(4);
    expect(maxDiff(ours.weights, ref.weights)).toBeLessThan(1e-5);
    expect(maxDiff(ours.state.slice(1), ref.state.slice(1))).toBeLessThan(1e-5);
  });
});
