import { closeMismatch } from '@ct3d/test-support';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSeedModel } from '../seed-model.js';
import * as tf from '../tf.js';
import { ConvPool3D, conv3dBiasReluPool } from './conv-pool3d.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function pseudoRandom(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

const randomLike = (t: tf.Tensor, seed: number): tf.Tensor => tf.tensor(pseudoRandom(t.size, seed), t.shape);

// Fused and unfused layers on cpu: the same float32 ops in another order.
const FORWARD_TOL = { rtol: 1e-6, atol: 1e-7 };
const GRADIENT_TOL = { rtol: 1e-5, atol: 1e-6 };

const TINY = { width: 12, height: 10, depth: 11, filters: [2, 3], denseUnits: 4, dropout: 0, seed: 3 };
const x = (): tf.Tensor5D => tf.tensor5d(pseudoRandom(2 * 12 * 10 * 11, 8), [2, 12, 10, 11, 1]);
const y = tf.tensor2d([0, 1], [2, 1]);

function lossGrads(model: tf.LayersModel): { loss: number; grads: Float32Array[] } {
  const f = (): tf.Scalar =>
    tf.losses.logLoss(y, model.apply(x(), { training: true }) as tf.Tensor) as tf.Scalar;
  const { value, grads } = tf.variableGrads(
    f,
    model.trainableWeights.map((w) => w.read() as tf.Variable),
  );
  const list = model.trainableWeights.map((w) => grads[w.name].dataSync() as Float32Array);
  return { loss: value.dataSync()[0], grads: list };
}

describe('ConvPool3D', () => {
  it('computes maxPool3d(relu(conv3d + bias)) with Keras shapes and names', () => {
    const layer = new ConvPool3D({ name: 'conv3d', poolName: 'max_pooling3d', filters: 3, seed: 1 });
    const input = tf.tensor5d(pseudoRandom(2 * 9 * 8 * 7 * 2, 4), [2, 9, 8, 7, 2]);
    const out = layer.apply(input) as tf.Tensor;
    expect(out.shape).toEqual([2, 3, 3, 2, 3]);
    expect(layer.weights.map((w) => `${w.name}:${w.shape.join('x')}`)).toEqual([
      'conv3d/kernel:3x3x3x2x3',
      'conv3d/bias:3',
    ]);
    const [kernel, bias] = layer.getWeights();
    layer.setWeights([kernel, tf.tensor1d([0.1, -0.2, 0.3])]);
    const [k, b] = layer.getWeights() as [tf.Tensor5D, tf.Tensor1D];
    const conv = tf.relu(tf.add(tf.conv3d(input, k, 1, 'valid'), b)) as tf.Tensor5D;
    const want = tf.maxPool3d(conv, 2, 2, 'valid');
    expect(
      closeMismatch((layer.apply(input) as tf.Tensor).dataSync(), want.dataSync(), FORWARD_TOL),
    ).toBeNull();
    expect(bias.shape).toEqual([3]);
    expect(layer.kerasRows().map((r) => `${r.name} ${r.className} ${r.outputShape} ${r.params}`)).toEqual([
      'conv3d Conv3D 2,7,6,5,3 165',
      'max_pooling3d MaxPooling3D 2,3,3,2,3 0',
    ]);
  });

  it('rejects bad arguments and inputs with the layer name', () => {
    expect(() => new ConvPool3D({ name: 'c', filters: 0 })).toThrow('c: filters must be a positive integer');
    const layer = new ConvPool3D({ name: 'c2', filters: 2 });
    expect(() => layer.apply(tf.zeros([2, 8, 8, 1]))).toThrow(/c2/);
  });

  it('gives the stock Conv3D + MaxPooling3D model output and gradients (same weights)', () => {
    const fused = buildSeedModel(TINY);
    const stock = buildSeedModel({ ...TINY, fused: false });
    stock.setWeights(fused.getWeights());
    const want = (stock.predict(x()) as tf.Tensor).dataSync();
    expect(closeMismatch((fused.predict(x()) as tf.Tensor).dataSync(), want, FORWARD_TOL)).toBeNull();
    const a = lossGrads(fused);
    const b = lossGrads(stock);
    expect(a.loss).toBeCloseTo(b.loss, 6);
    a.grads.forEach((g, i) => {
      expect(closeMismatch(g, b.grads[i], GRADIENT_TOL), fused.trainableWeights[i].name).toBeNull();
    });
  });

  it('op gradients w.r.t. input, filter and bias match finite differences (cpu)', () => {
    const x0 = tf.tensor5d(pseudoRandom(2 * 8 * 7 * 6 * 2, 9), [2, 8, 7, 6, 2]);
    const f0 = tf.tensor5d(pseudoRandom(27 * 2 * 3, 5), [3, 3, 3, 2, 3]);
    const b0 = tf.tensor1d([0.05, -0.1, 0.2]);
    const weights = randomLike(conv3dBiasReluPool(x0, f0, b0), 33);
    const loss = (xx: tf.Tensor, ff: tf.Tensor, bb: tf.Tensor): tf.Scalar =>
      tf.sum(
        tf.mul(tf.tanh(conv3dBiasReluPool(xx as tf.Tensor5D, ff as tf.Tensor5D, bb as tf.Tensor1D)), weights),
      );
    const grads = tf.grads(loss)([x0, f0, b0]);
    const args = [x0, f0, b0];
    const h = 1e-3;
    args.forEach((base, i) => {
      const dir = randomLike(base, 70 + i);
      const at = (t: tf.Tensor): number =>
        tf.tidy(
          () =>
            loss(
              ...(args.map((a, j) => (j === i ? t : a)) as [tf.Tensor, tf.Tensor, tf.Tensor]),
            ).dataSync()[0],
        );
      const numeric = (at(tf.add(base, tf.mul(dir, h))) - at(tf.sub(base, tf.mul(dir, h)))) / (2 * h);
      const analytic = tf.sum(tf.mul(grads[i], dir)).dataSync()[0];
      expect(Math.abs(numeric - analytic), `argument ${i}`).toBeLessThan(1e-4 + 0.01 * Math.abs(analytic));
    });
  });

  it('the fused seed model gradients match finite differences for every weight (cpu)', () => {
    const model = buildSeedModel(TINY);
    const lossValue = (): number =>
      tf.tidy(() => tf.losses.logLoss(y, model.apply(x(), { training: true }) as tf.Tensor).dataSync()[0]);
    const { grads } = lossGrads(model);
    const h = 1e-3;
    for (const [i, weight] of model.trainableWeights.entries()) {
      const base = weight.read().clone();
      const dir = randomLike(base, 100 + i);
      const analytic = tf.sum(tf.mul(tf.tensor(grads[i], base.shape), dir)).dataSync()[0];
      weight.write(tf.add(base, tf.mul(dir, h)));
      const up = lossValue();
      weight.write(tf.sub(base, tf.mul(dir, h)));
      const down = lossValue();
      weight.write(base);
      const numeric = (up - down) / (2 * h);
      expect(Math.abs(numeric - analytic), weight.name).toBeLessThan(1e-4 + 0.01 * Math.abs(analytic));
    }
  });
});
