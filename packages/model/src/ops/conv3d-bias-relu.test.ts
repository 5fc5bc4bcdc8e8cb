// The fused conv + bias + relu op on every test env against relu(conv3d + bias) in plain ops on cpu: the
// composite exactly (cpu, fake), wasm's and webgpu's kernels within their bound; value and the gradients.
import { expect, it } from 'vitest';
import { ALL_ENVS, describeWithFlags } from '../test-backends/envs.js';
import { expectAllClose, kernelCounts, randomTensor, runOn, type Shape5 } from '../test-backends/run.js';
import * as tf from '../tf.js';
import { CONV3D_BIAS_RELU, conv3dBiasRelu } from './conv3d-bias-relu.js';
import { hasKernelFor } from './dispatch.js';

type Op = (x: tf.Tensor5D, f: tf.Tensor5D, b: tf.Tensor1D) => tf.Tensor;

/** x (seed), filter (seed + 1), bias (seed + 2) and output gradient (seed + 3), in [-scale, scale). */
interface Case {
  x: Shape5;
  f: Shape5;
  seed: number;
  scale: number;
}

// output channels 4, 5 (webgpu: the tf.sum fallback of the bias gradient), 8 and 64 (its channel-sum kernel)
const CASES: Case[] = [
  { x: [2, 7, 6, 5, 3], f: [3, 3, 3, 3, 4], seed: 31, scale: 0.5 },
  { x: [1, 6, 8, 7, 1], f: [3, 3, 3, 1, 5], seed: 31, scale: 0.5 },
  { x: [2, 6, 5, 7, 3], f: [3, 3, 3, 3, 8], seed: 21, scale: 1 },
  { x: [1, 5, 6, 5, 4], f: [3, 3, 3, 4, 5], seed: 21, scale: 1 },
  { x: [2, 5, 5, 6, 1], f: [3, 3, 3, 1, 64], seed: 21, scale: 1 },
];

const plain: Op = (x, f, b) => tf.relu(tf.add(tf.conv3d(x, f, 1, 'valid'), b));

/** Value and gradients (x, filter, bias) of sum(op(x, f, b) * dy). */
function valueAndGrads(c: Case, op: Op): tf.Tensor[] {
  const x = randomTensor(c.x, c.seed, c.scale) as tf.Tensor5D;
  const f = randomTensor(c.f, c.seed + 1, c.scale) as tf.Tensor5D;
  const b = randomTensor([c.f[4]], c.seed + 2, c.scale) as tf.Tensor1D;
  const y = op(x, f, b);
  const dy = randomTensor(y.shape, c.seed + 3, c.scale);
  const loss = (xi: tf.Tensor, fi: tf.Tensor, bi: tf.Tensor) =>
    tf.sum(tf.mul(op(xi as tf.Tensor5D, fi as tf.Tensor5D, bi as tf.Tensor1D), dy));
  return [y, ...tf.grads(loss)([x, f, b])];
}

describeWithFlags('conv3dBiasRelu (Ct3dConv3DBiasRelu)', ALL_ENVS, (env) => {
  it.each(CASES)('x $x filter $f: value and gradients of x, filter, bias equal the plain ops', async (c) => {
    const ref = await runOn('cpu', () => valueAndGrads(c, plain));
    const got = await runOn(env.backendName, () => valueAndGrads(c, conv3dBiasRelu));
    expectAllClose(got, ref, env.tol, ['y', 'dx', 'dfilter', 'dbias']);
  });

  it("runs the env's kernel where it has one, the composite's Conv3D elsewhere", async () => {
    const has = env.name === 'wasm' || env.name === 'webgpu';
    const x = tf.zeros([1, 4, 4, 4, 2]);
    expect(hasKernelFor(CONV3D_BIAS_RELU, { x })).toBe(has);
    x.dispose();
    const counts = await kernelCounts(() => tf.dispose(valueAndGrads(CASES[0], conv3dBiasRelu)));
    expect(counts.get(CONV3D_BIAS_RELU) ?? 0).toBe(has ? 2 : 0);
    expect(counts.has('Conv3D')).toBe(!has);
  });
});
