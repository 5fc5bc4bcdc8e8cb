// FusedAdamOptimizer on every test env against tfjs's Adam on cpu. It picks its step through the kernel
// registry: the Ct3dAdamUpdate kernel where the env has one (fake: plain JS in float64; webgpu: WGSL), tfjs's
// own step elsewhere (exactly tfjs's Adam on cpu); snapshot()/restore() carry its whole state.
import { expect, it } from 'vitest';
import { ADAM_UPDATE } from '../ops/adam-update.js';
import { ALL_ENVS, describeWithFlags, type EnvName, EXACT } from '../test-backends/envs.js';
import { expectClose, kernelCounts, pseudoRandom, sizeOf } from '../test-backends/run.js';
import * as tf from '../tf.js';
import { FusedAdamOptimizer } from './fused-adam.js';

/** The envs with an Adam kernel. */
const KERNEL_ENVS: readonly EnvName[] = ['fake', 'webgpu'];

const adam = () => tf.train.adam(0.01, 0.9, 0.999, 1e-7);
const fused = () => new FusedAdamOptimizer(0.01, 0.9, 0.999, 1e-7);

const START = [0.5, -0.25, 1.5, 0.125];
const GRADS = [
  [0.1, -0.2, 0.3, 0.05],
  [-0.4, 0.1, 0.2, 0.0],
  [0.3, 0.3, -0.1, 0.2],
];

/** Weights after the three steps of GRADS on `backend`, and the optimizer (for its state). */
async function trainThree(backend: string, opt: tf.AdamOptimizer) {
  await tf.setBackend(backend);
  const w = tf.variable(tf.tensor1d(START), true, `w_${Math.random()}`);
  for (const g of GRADS) tf.tidy(() => opt.applyGradients([{ name: w.name, tensor: tf.tensor1d(g) }]));
  const weights = (await w.data()) as Float32Array;
  w.dispose();
  return { weights, opt };
}

const SHAPES = [[3, 3, 3, 2, 4], [4], [300, 7], [1]];
const LRS = [1e-2, 3e-3, 5e-2, 1e-3]; // a schedule: the learning rate changes between steps

type Result = { weights: Float32Array[]; state: Float32Array[]; iterations: number };

/** Steps an optimizer over fixed random variables and gradients on one backend; reads weights and state. */
async function train(
  backend: string,
  make: () => tf.AdamOptimizer,
  steps: number,
  restoreFrom?: Parameters<tf.AdamOptimizer['setWeights']>[0],
): Promise<Result> {
  await tf.setBackend(backend);
  const opt = make();
  const vars = SHAPES.map((s, i) =>
    tf.variable(tf.tensor(pseudoRandom(sizeOf(s), 10 + i), s), true, `w${i}_${backend}_${Math.random()}`),
  );
  if (restoreFrom) await opt.setWeights(restoreFrom);
  for (let step = 0; step < steps; step++) {
    (opt as unknown as { learningRate: number }).learningRate = LRS[step % LRS.length];
    tf.tidy(() => {
      const grads = vars.map((v, i) => ({
        name: v.name,
        tensor: tf.mul(tf.tensor(pseudoRandom(v.size, 100 * step + i), v.shape), step % 2 ? 0.01 : 1),
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

describeWithFlags('FusedAdamOptimizer', ALL_ENVS, (env) => {
  const hasKernel = KERNEL_ENVS.includes(env.name);
  /** tfjs's Adam itself on cpu; elsewhere float32 (or the fake kernel's float64) against tfjs's float32. */
  const expectSmall = (d: number) => (env.name === 'cpu' ? expect(d).toBe(0) : expect(d).toBeLessThan(1e-5));

  it("three steps: the env's kernel (m, v, w per variable) or tfjs's step; snapshot()/restore() carry beta^t", async () => {
    const reference = (await trainThree('cpu', adam())).weights;
    let run: Awaited<ReturnType<typeof trainThree>> | undefined;
    const counts = await kernelCounts(async () => {
      run = await trainThree(env.backendName, fused());
    });
    if (run === undefined) throw new Error('no run');
    expect(counts.get(ADAM_UPDATE) ?? 0).toBe(hasKernel ? 3 * GRADS.length : 0);
    // float64 kernel vs tfjs's float32 arithmetic: 2.4e-6 relative on the worst weight
    expectClose(run.weights, reference, env.name === 'cpu' ? EXACT : { rtol: 1e-5, atol: 1e-6 });
    const opt = run.opt as FusedAdamOptimizer;
    const snap = await opt.snapshot();
    expect(snap.weights.map((w) => w.name)).toHaveLength(3); // iter, m, v
    if (hasKernel) {
      // the fused steps leave tfjs's beta^t behind: snapshot() says so, restore() derives it
      expect([snap.accBeta1, snap.accBeta2]).toEqual([null, null]);
      const fresh = fused();
      await fresh.restore(snap);
      const restored = await fresh.snapshot();
      expect(restored.accBeta1).toBeCloseTo(0.9 ** 4, 6);
      expect(restored.accBeta2).toBeCloseTo(0.999 ** 4, 6);
      tf.dispose(restored.weights[0].tensor);
      fresh.dispose();
    } else {
      expect(snap.accBeta1).toBeCloseTo(0.9 ** 4, 6); // beta^(t + 1) in float32, as tfjs keeps it
    }
    tf.dispose(snap.weights[0].tensor);
    opt.dispose();
  });

  it('weights, moments and iterations after 5 steps with a changing learning rate', async () => {
    const ref = await train('cpu', adam, 5);
    const ours = await train(env.backendName, fused, 5);
    expect(ours.iterations).toBe(5);
    expect(ours.state.length).toBe(1 + 2 * SHAPES.length);
    expectSmall(maxDiff(ours.weights, ref.weights));
    expectSmall(maxDiff(ours.state, ref.state));
    // the weights really moved (lr ~1e-2 per step)
    const start = SHAPES.map((s, i) => pseudoRandom(sizeOf(s), 10 + i));
    expect(maxDiff(ours.weights, start)).toBeGreaterThan(1e-2);
  });

  it('resumes from saved state (setWeights) like tfjs Adam', async () => {
    await tf.setBackend('cpu');
    const saved = await (async () => {
      const opt = adam();
      const v = SHAPES.map((s, i) => tf.variable(tf.tensor(pseudoRandom(sizeOf(s), 50 + i), s)));
      opt.applyGradients(v.map((x) => ({ name: x.name, tensor: tf.onesLike(x) })));
      const w = await opt.getWeights();
      tf.dispose(v);
      return w.map((x) => ({ name: x.name, tensor: tf.tensor(x.tensor.dataSync(), x.tensor.shape) }));
    })();
    const ref = await train('cpu', adam, 3, saved);
    const ours = await train(env.backendName, fused, 3, saved);
    expect(ours.iterations).toBe(4);
    expectSmall(maxDiff(ours.weights, ref.weights));
    expectSmall(maxDiff(ours.state.slice(1), ref.state.slice(1)));
  });
});
