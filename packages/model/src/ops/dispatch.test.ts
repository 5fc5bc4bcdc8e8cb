// Dispatch through the kernel registry: an op runs the kernel the active backend registered under its name
// (here a fake backend's, written in plain JS), and its composite where there is none; the gradient
// registered for the name is right with the composites of its own gradient kernels.
import { closeMismatch } from '@ct3d/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConvPool3D } from '../layers/conv-pool3d.js';
import * as tf from '../tf.js';
import { CONV_BLOCK, conv3dBiasReluPool } from './conv3d-bias-relu-pool.js';
import { hasKernelFor } from './dispatch.js';
import {
  type CpuKernelBackend,
  FAKE_BACKEND,
  inputOf,
  pseudoRandom,
  readInput,
  removeFakeBackend,
  useFakeBackend,
} from './test-fake-backend.js';

let blockCalls = 0;

/**
 * Ct3dConvBlock in plain JS (float64 sums): pooled relu(conv + bias) and each window's index of its max, -1
 * where the max is <= 0; ties take the last max, as the wasm kernel.
 */
const fakeConvBlock: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  blockCalls++;
  const [x, w, b] = ['x', 'filter', 'bias'].map((name) => readInput(backend, inputs, name));
  const [n, d1, d2, d3, c] = inputOf(inputs, 'x').shape;
  const [k1, k2, k3, , o] = inputOf(inputs, 'filter').shape;
  const p = attrs?.poolSize as number;
  const conv = (s: number, i: number, j: number, l: number, ch: number): number => {
    let acc = b[ch];
    for (let a = 0; a < k1; a++)
      for (let e = 0; e < k2; e++)
        for (let f = 0; f < k3; f++)
          for (let ci = 0; ci < c; ci++) {
            const xi = (((s * d1 + i + a) * d2 + j + e) * d3 + l + f) * c + ci;
            acc += x[xi] * w[(((a * k2 + e) * k3 + f) * c + ci) * o + ch];
          }
    return acc;
  };
  const q = [d1 - k1 + 1, d2 - k2 + 1, d3 - k3 + 1].map((v) => Math.floor(v / p));
  const shape = [n, ...q, o];
  const y = new Float32Array(shape.reduce((a, v) => a * v, 1));
  const arg = new Int32Array(y.length);
  let out = 0;
  for (let s = 0; s < n; s++)
    for (let i = 0; i < q[0]; i++)
      for (let j = 0; j < q[1]; j++)
        for (let l = 0; l < q[2]; l++)
          for (let ch = 0; ch < o; ch++, out++) {
            let best = Number.NEGATIVE_INFINITY;
            let at = -1;
            for (let win = 0; win < p ** 3; win++) {
              const [a, e, f] = [Math.floor(win / (p * p)), Math.floor(win / p) % p, win % p];
              const v = conv(s, i * p + a, j * p + e, l * p + f, ch);
              if (v >= best) [best, at] = [v, win];
            }
            y[out] = Math.max(best, 0);
            arg[out] = best > 0 ? at : -1;
          }
  const cpu = backend as CpuKernelBackend;
  return [cpu.makeTensorInfo(shape, 'float32', y), cpu.makeTensorInfo(shape, 'int32', arg)];
};

const X_SHAPE: [number, number, number, number, number] = [2, 7, 6, 7, 2];
const F_SHAPE: [number, number, number, number, number] = [3, 3, 3, 2, 3];
const plainBlock = (x: tf.Tensor5D, f: tf.Tensor5D, b: tf.Tensor1D, pool: number) =>
  tf.maxPool3d(tf.relu(tf.add(tf.conv3d(x, f, 1, 'valid'), b)) as tf.Tensor5D, pool, pool, 'valid');

/** Value and gradients (x, filter, bias) of sum(block(x, f, b) * dy), as arrays. */
function valueAndGrads(block: (x: tf.Tensor5D, f: tf.Tensor5D, b: tf.Tensor1D) => tf.Tensor): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.tensor5d(
      pseudoRandom(
        X_SHAPE.reduce((a, v) => a * v),
        1,
      ),
      X_SHAPE,
    );
    const f = tf.tensor5d(
      pseudoRandom(
        F_SHAPE.reduce((a, v) => a * v),
        2,
      ),
      F_SHAPE,
    );
    // shifted so that some windows are all <= 0 (relu blocks their gradient)
    const b = tf.tensor1d([0.3, -0.4, 0.1]);
    const y = block(x, f, b);
    const dy = tf.tensor(pseudoRandom(y.size, 3), y.shape);
    const loss = (xi: tf.Tensor, fi: tf.Tensor, bi: tf.Tensor) =>
      tf.sum(tf.mul(block(xi as tf.Tensor5D, fi as tf.Tensor5D, bi as tf.Tensor1D), dy));
    return [y, ...tf.grads(loss)([x, f, b])].map((t) => t.dataSync() as Float32Array);
  });
}

const TOL = { rtol: 1e-5, atol: 1e-6 };

describe('the conv block op (Ct3dConvBlock)', () => {
  let plain: Float32Array[];
  beforeAll(async () => {
    await tf.setBackend('cpu');
    plain = [2, 3].flatMap((pool) => valueAndGrads((x, f, b) => plainBlock(x, f, b, pool)));
  });

  it('without a kernel: the composite equals the plain ops exactly', () => {
    expect(tf.getKernel(CONV_BLOCK, 'cpu')).toBeUndefined();
    const got = [2, 3].flatMap((pool) => valueAndGrads((x, f, b) => conv3dBiasReluPool(x, f, b, pool)));
    for (const [i, g] of got.entries()) expect(Array.from(g), `part ${i}`).toEqual(Array.from(plain[i]));
  });

  describe("with a backend's kernel registered under the op's name", () => {
    beforeAll(() =>
      useFakeBackend([{ kernelName: CONV_BLOCK, backendName: FAKE_BACKEND, kernelFunc: fakeConvBlock }]),
    );
    afterAll(removeFakeBackend);

    it('the op runs it, and the gradient registered for the name is right (its gradient kernels composite)', () => {
      const x = tf.zeros([1, 4, 4, 4, 2]);
      expect(hasKernelFor(CONV_BLOCK, { x })).toBe(true);
      x.dispose();
      blockCalls = 0;
      // pool 3 leaves conv rows past the last window: the gradient composites pad them with zeros
      const got = [2, 3].flatMap((pool) => valueAndGrads((xi, f, b) => conv3dBiasReluPool(xi, f, b, pool)));
      // per pool size: the forward, and the forward again under tf.grads
      expect(blockCalls).toBe(4);
      for (const [i, g] of got.entries()) expect(closeMismatch(g, plain[i], TOL), `part ${i}`).toBeNull();
    });

    it('ConvPool3D calls the op, so it runs the kernel too', () => {
      const layer = new ConvPool3D({ filters: 3, seed: 4 });
      const input = tf.tensor5d(
        pseudoRandom(
          X_SHAPE.reduce((a, v) => a * v),
          5,
        ),
        X_SHAPE,
      );
      blockCalls = 0;
      const y = layer.apply(input) as tf.Tensor;
      expect(blockCalls).toBe(1);
      const [kernel, bias] = layer.getWeights();
      const want = plainBlock(input, kernel as tf.Tensor5D, bias as tf.Tensor1D, 2);
      expect(closeMismatch(y.dataSync(), want.dataSync(), TOL)).toBeNull();
      tf.dispose([input, y, want]);
    });
  });
});
