import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../tf.js';
import { BatchNormalization3D } from './batch-normalization3d.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const SHAPE = [2, 3, 2, 2, 3] as const; // [b, w, h, d, c]
const C = 3;
const values = Float64Array.from({ length: 2 * 3 * 2 * 2 * 3 }, (_, i) => Math.sin(i * 1.7) * 2 + (i % C));

/** Per-channel mean and biased variance of channels-last data, in float64. */
function channelStats(data: ArrayLike<number>): { mean: number[]; variance: number[] } {
  const mean = new Array(C).fill(0);
  const sq = new Array(C).fill(0);
  const n = data.length / C;
  for (let i = 0; i < data.length; i++) mean[i % C] += data[i] / n;
  for (let i = 0; i < data.length; i++) sq[i % C] += (data[i] - mean[i % C]) ** 2 / n;
  return { mean, variance: sq };
}

function handNormalize(
  data: ArrayLike<number>,
  mean: number[],
  variance: number[],
  g: number[],
  b: number[],
) {
  return Array.from(data, (v, i) => {
    const c = i % C;
    return ((v - mean[c]) / Math.sqrt(variance[c] + 1e-3)) * g[c] + b[c];
  });
}

function builtLayer(): BatchNormalization3D {
  const layer = new BatchNormalization3D();
  layer.build([null, 3, 2, 2, C]);
  const gamma = [1.5, 0.5, -2];
  const beta = [0.1, -0.2, 0.3];
  layer.setWeights([
    tf.tensor1d(gamma),
    tf.tensor1d(beta),
    tf.tensor1d([0.5, -1, 2]),
    tf.tensor1d([4, 0.25, 1]),
  ]);
  return layer;
}

describe('BatchNormalization3D', () => {
  it('has Keras defaults and default names', () => {
    const a = new BatchNormalization3D();
    const b = new BatchNormalization3D();
    expect(a.momentum).toBe(0.99);
    expect(a.epsilon).toBe(1e-3);
    expect(a.name).toMatch(/^batch_normalization(_\d+)?$/);
    expect(b.name).not.toBe(a.name);
  });

  it('keeps moving statistics non-trainable (2 trainable + 2 non-trainable weights)', () => {
    const layer = builtLayer();
    expect(layer.trainableWeights.map((w) => w.originalName.split('/').pop())).toEqual(['gamma', 'beta']);
    expect(layer.nonTrainableWeights.map((w) => w.originalName.split('/').pop())).toEqual([
      'moving_mean',
      'moving_variance',
    ]);
    expect(layer.countParams()).toBe(4 * C);
  });

  it('inference normalizes with the moving statistics', () => {
    const layer = builtLayer();
    const x = tf.tensor(Array.from(values), [...SHAPE]);
    const y = layer.apply(x, { training: false }) as tf.Tensor;
    const want = handNormalize(values, [0.5, -1, 2], [4, 0.25, 1], [1.5, 0.5, -2], [0.1, -0.2, 0.3]);
    expect(y.shape).toEqual([...SHAPE]);
    const got = y.dataSync();
    want.forEach((w, i) => {
      expect(got[i]).toBeCloseTo(w, 4);
    });
  });

  it('training normalizes with batch statistics and updates the moving ones like Keras', () => {
    const layer = builtLayer();
    const x = tf.tensor(Array.from(values), [...SHAPE]);
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    const { mean, variance } = channelStats(values);
    const want = handNormalize(values, mean, variance, [1.5, 0.5, -2], [0.1, -0.2, 0.3]);
    const got = y.dataSync();
    want.forEach((w, i) => {
      expect(got[i]).toBeCloseTo(w, 4);
    });
    const [, , mm, mv] = layer.getWeights().map((w) => Array.from(w.dataSync()));
    const wantMm = [0.5, -1, 2].map((m, c) => 0.99 * m + 0.01 * mean[c]);
    const wantMv = [4, 0.25, 1].map((v, c) => 0.99 * v + 0.01 * variance[c]);
    wantMm.forEach((w, c) => {
      expect(mm[c]).toBeCloseTo(w, 5);
    });
    wantMv.forEach((w, c) => {
      expect(mv[c]).toBeCloseTo(w, 5);
    });
  });

  it('does not leak tensors in either mode', () => {
    const layer = builtLayer();
    const x = tf.tensor(Array.from(values), [...SHAPE]);
    const before = tf.memory().numTensors;
    tf.dispose([layer.apply(x, { training: true }) as tf.Tensor, layer.apply(x) as tf.Tensor]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects other ranks and axes with a clear error', () => {
    expect(() => new BatchNormalization3D({ axis: 1 })).toThrow(/channels-last axis/);
    const layer = new BatchNormalization3D({ name: 'bn_rank' });
    expect(() => layer.apply(tf.input({ shape: [4, 3] }))).toThrow(/bn_rank: expected a rank-5 input/);
  });

  it('serializes its config and reloads through the tfjs class registry', () => {
    const input = tf.input({ shape: [3, 2, 2, C] });
    const output = new BatchNormalization3D({ name: 'bn', momentum: 0.9, epsilon: 1e-2 }).apply(input);
    const model = tf.model({ inputs: input, outputs: output as tf.SymbolicTensor });
    const json = JSON.parse(JSON.stringify(model.toJSON(null, false)));
    const layerJson = json.config.layers[1];
    expect(layerJson.class_name).toBe('BatchNormalization3D');
    expect(layerJson.config).toMatchObject({ name: 'bn', momentum: 0.9, epsilon: 1e-2, axis: -1 });
  });
});
