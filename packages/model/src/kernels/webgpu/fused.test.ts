import { describe, expect, it } from 'vitest';
import { ConvPool3D } from '../../layers/conv-pool3d.js';
import { conv3dBiasRelu, conv3dBiasReluPool } from '../../ops/index.js';
import { compareBackends, type Inputs, randomArray, setupWebGPU, tf } from './testing.js';

const info = await setupWebGPU();
const suite = info === null ? describe.skip : describe;
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
const input = (shape: number[], seed: number) => ({ values: randomArray(size(shape), seed), shape });

type S5 = [number, number, number, number, number];
// channel counts: 8 and 64 use the channel-sum kernel, 5 the tf.sum fallback
const CASES: [S5, S5][] = [
  [
    [2, 6, 5, 7, 3],
    [3, 3, 3, 3, 8],
  ],
  [
    [1, 5, 6, 5, 4],
    [3, 3, 3, 4, 5],
  ],
  [
    [2, 5, 5, 6, 1],
    [3, 3, 3, 1, 64],
  ],
];

suite('conv3dBiasRelu on webgpu equals relu(conv3d + bias) on cpu', { timeout: 120_000 }, () => {
  it.each(CASES)('forward %j %j', async (xs, fs) => {
    const inputs: Inputs = { x: input(xs, 21), f: input(fs, 22), b: input([fs[4]], 23) };
    const r = await compareBackends(inputs, (t) =>
      conv3dBiasRelu(t.x as tf.Tensor5D, t.f as tf.Tensor5D, t.b as tf.Tensor1D),
    );
    expect(r.gpu.shape).toEqual(r.cpu.shape);
    expect(r.mismatch).toBeNull();
  });

  it.each(CASES)('gradients %j %j', async (xs, fs) => {
    const outShape = [xs[0], xs[1] - fs[0] + 1, xs[2] - fs[1] + 1, xs[3] - fs[2] + 1, fs[4]];
    const inputs: Inputs = {
      x: input(xs, 24),
      f: input(fs, 25),
      b: input([fs[4]], 26),
      w: input(outShape, 27),
    };
    for (const which of [0, 1, 2]) {
      const r = await compareBackends(inputs, (t) => {
        const loss = (x: tf.Tensor, f: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(conv3dBiasRelu(x as tf.Tensor5D, f as tf.Tensor5D, b as tf.Tensor1D), t.w));
        return tf.grads(loss)([t.x, t.f, t.b])[which];
      });
      expect(r.gpu.shape, `gradient ${which}`).toEqual(r.cpu.shape);
      expect(r.mismatch, `gradient ${which}`).toBeNull();
    }
  });

  it('conv3dBiasReluPool: forward and filter gradient', async () => {
    const xs: S5 = [2, 8, 7, 9, 4];
    const fs: S5 = [3, 3, 3, 4, 8];
    const inputs: Inputs = {
      x: input(xs, 31),
      f: input(fs, 32),
      b: input([8], 33),
      w: input([2, 3, 2, 3, 8], 34),
    };
    const op = (t: Record<string, tf.Tensor>) =>
      conv3dBiasReluPool(t.x as tf.Tensor5D, t.f as tf.Tensor5D, t.b as tf.Tensor1D);
    const fwd = await compareBackends(inputs, op);
    expect(fwd.gpu.shape).toEqual([2, 3, 2, 3, 8]);
    expect(fwd.mismatch).toBeNull();
    const grad = await compareBackends(inputs, (t) =>
      tf.grad((f: tf.Tensor) =>
        tf.sum(tf.mul(conv3dBiasReluPool(t.x as tf.Tensor5D, f as tf.Tensor5D, t.b as tf.Tensor1D), t.w)),
      )(t.f),
    );
    expect(grad.mismatch).toBeNull();
  });

  it("ConvPool3D (buildSeedModel's layer) runs the fused conv kernel and our pooling on webgpu", async () => {
    await tf.setBackend('webgpu');
    const layer = new ConvPool3D({ filters: 8, seed: 3 });
    const x = tf.tensor(randomArray(2 * 8 * 7 * 9 * 4, 35), [2, 8, 7, 9, 4]);
    const info = await tf.profile(async () => {
      const y = layer.apply(x) as tf.Tensor;
      await y.data();
      y.dispose();
    });
    expect(info.kernelNames).toContain('Ct3dConv3DBiasRelu');
    expect(info.kernelNames).toContain('MaxPool3D');
    expect(info.kernelNames).not.toContain('Conv3D');
    x.dispose();
  });
});
