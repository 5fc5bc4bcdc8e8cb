// The conv block op (Ct3dConvBlock) on every test env against maxPool3d(relu(conv3d + bias)) in plain ops on
// cpu: the composite exactly (cpu), a backend's kernel registered under the op's name (fake, wasm) with the
// gradient registered for the name (its gradient kernels: composites on fake, wasm's own on wasm), and
// webgpu's conv+bias+relu kernel followed by maxPool3d.
import { expect, it } from 'vitest';
import { ConvPool3D } from '../layers/conv-pool3d.js';
import { ALL_ENVS, describeWithFlags, type EnvName } from '../test-backends/envs.js';
import {
  expectAllClose,
  kernelCounts,
  pseudoRandom,
  randomTensor,
  runOn,
  type Shape5,
} from '../test-backends/run.js';
import * as tf from '../tf.js';
import { CONV3D_BIAS_RELU } from './conv3d-bias-relu.js';
import { CONV_BLOCK, conv3dBiasReluPool } from './conv3d-bias-relu-pool.js';
import { hasKernelFor } from './dispatch.js';

type Block = (x: tf.Tensor5D, f: tf.Tensor5D, b: tf.Tensor1D) => tf.Tensor;

/** Data of values in [-scale, scale): x (seed), filter (seed + 1), output gradient (seed + 3). */
interface BlockCase {
  x: Shape5;
  f: Shape5;
  pool: number;
  seed: number;
  scale: number;
  /** Default: in [-1, 1) (seed + 2), shifting some channels negative so whole windows are <= 0. */
  bias?: number[];
}

const CASES: BlockCase[] = [
  // bias shifted so that some windows are all <= 0 (relu blocks their gradient); pool 3 leaves conv rows past
  // the last window (the gradient composites pad them with zeros)
  { x: [2, 7, 6, 7, 2], f: [3, 3, 3, 2, 3], pool: 2, seed: 1, scale: 1, bias: [0.3, -0.4, 0.1] },
  { x: [2, 7, 6, 7, 2], f: [3, 3, 3, 2, 3], pool: 3, seed: 1, scale: 1, bias: [0.3, -0.4, 0.1] },
  { x: [2, 9, 8, 7, 3], f: [3, 3, 3, 3, 4], pool: 2, seed: 41, scale: 0.5 },
  { x: [1, 8, 10, 9, 1], f: [3, 3, 3, 1, 6], pool: 2, seed: 41, scale: 0.5 },
  { x: [3, 7, 7, 8, 2], f: [3, 3, 3, 2, 5], pool: 2, seed: 41, scale: 0.5 },
  // 1 channel (wasm: direct kernels, on both threads), 7 output channels
  { x: [2, 9, 8, 11, 1], f: [3, 3, 3, 1, 7], pool: 2, seed: 41, scale: 0.5 },
  // pool 3 (wasm: Winograd conv, pooled and scattered in JS) and a 2x3x3 filter (wasm: im2col path)
  { x: [2, 9, 10, 8, 3], f: [3, 3, 3, 3, 4], pool: 3, seed: 41, scale: 0.5 },
  { x: [2, 8, 9, 7, 2], f: [2, 3, 3, 2, 5], pool: 2, seed: 41, scale: 0.5 },
  { x: [2, 8, 7, 9, 4], f: [3, 3, 3, 4, 8], pool: 2, seed: 31, scale: 1 },
];

const plainBlock =
  (pool: number): Block =>
  (x, f, b) =>
    tf.maxPool3d(tf.relu(tf.add(tf.conv3d(x, f, 1, 'valid'), b)) as tf.Tensor5D, pool, pool, 'valid');

const opBlock =
  (pool: number): Block =>
  (x, f, b) =>
    conv3dBiasReluPool(x, f, b, pool);

/** Value and gradients (x, filter, bias) of sum(block(x, f, b) * dy). */
function valueAndGrads(c: BlockCase, block: Block): tf.Tensor[] {
  const x = randomTensor(c.x, c.seed, c.scale) as tf.Tensor5D;
  const f = randomTensor(c.f, c.seed + 1, c.scale) as tf.Tensor5D;
  const b = tf.tensor1d(c.bias ?? pseudoRandom(c.f[4], c.seed + 2));
  const y = block(x, f, b);
  const dy = randomTensor(y.shape, c.seed + 3, c.scale);
  const loss = (xi: tf.Tensor, fi: tf.Tensor, bi: tf.Tensor) =>
    tf.sum(tf.mul(block(xi as tf.Tensor5D, fi as tf.Tensor5D, bi as tf.Tensor1D), dy));
  return [y, ...tf.grads(loss)([x, f, b])];
}

const PARTS = ['y', 'dx', 'dfilter', 'dbias'];
/** The kernel that runs the convolution of the block, per env. */
const CONV_KERNEL: Record<EnvName, string> = {
  cpu: 'Conv3D',
  fake: CONV_BLOCK,
  wasm: CONV_BLOCK,
  webgpu: CONV3D_BIAS_RELU,
};

describeWithFlags('conv3dBiasReluPool (Ct3dConvBlock)', ALL_ENVS, (env) => {
  it.each(CASES)('x $x filter $f pool $pool: value and gradients equal the plain ops on cpu', async (c) => {
    const ref = await runOn('cpu', () => valueAndGrads(c, plainBlock(c.pool)));
    const got = await runOn(env.backendName, () => valueAndGrads(c, opBlock(c.pool)));
    expectAllClose(got, ref, env.tol, PARTS);
  });

  it("runs the env's block kernel where it has one (once forward, once more under tf.grads)", async () => {
    const x = tf.zeros([1, 4, 4, 4, 2]);
    const registered = hasKernelFor(CONV_BLOCK, { x });
    x.dispose();
    expect(registered).toBe(CONV_KERNEL[env.name] === CONV_BLOCK);
    const counts = await kernelCounts(() =>
      tf.tidy(() => {
        for (const pool of [2, 3]) valueAndGrads(CASES[pool - 2], opBlock(pool));
      }),
    );
    expect(counts.get(CONV_BLOCK) ?? 0).toBe(registered ? 4 : 0);
    expect(counts.get(CONV_KERNEL[env.name])).toBeGreaterThan(0);
  });

  it("ConvPool3D (buildSeedModel's layer) calls the op, so it runs the same kernels", async () => {
    const layer = new ConvPool3D({ filters: 8, seed: 3 });
    const input = () => randomTensor([2, 8, 7, 9, 4], 35) as tf.Tensor5D;
    let got: Awaited<ReturnType<typeof runOn>> = [];
    const counts = await kernelCounts(async () => {
      got = await runOn(env.backendName, () => layer.apply(input()) as tf.Tensor);
    });
    expect(counts.get(CONV_KERNEL[env.name])).toBe(1);
    if (env.name !== 'cpu') expect(counts.has('Conv3D')).toBe(false);
    if (env.name === 'webgpu') expect(counts.has('MaxPool3D')).toBe(true);
    const [kernel, bias] = await Promise.all(
      layer.getWeights().map((w) => w.data() as Promise<Float32Array>),
    );
    const want = await runOn('cpu', () =>
      plainBlock(2)(input(), tf.tensor5d(kernel, [3, 3, 3, 4, 8]), tf.tensor1d(bias)),
    );
    expectAllClose(got, want, env.tol, ['y']);
    for (const w of layer.weights) w.dispose();
  });
});
