import { beforeAll, describe, expect, it } from 'vitest';
import { BatchNormalization3D } from './layers/batch-normalization3d.js';
import { type InputBatch, recomputeBatchNormStatistics } from './precise-batchnorm.js';
import { buildSeedModel } from './seed-model.js';
import * as tf from './tf.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const SIDE = 10; // the smallest input two conv blocks accept
const SHAPE = [2, SIDE, SIDE, SIDE, 1] as const;

function batches(n: number): InputBatch[] {
  return Array.from({ length: n }, (_, b) => ({
    x: Float32Array.from({ length: 2 * SIDE ** 3 }, (_, i) => Math.sin(i * 0.37 + b * 1.3) ** 2),
    shape: SHAPE,
  }));
}

const tinyModel = () => buildSeedModel({ width: SIDE, height: SIDE, depth: SIDE, filters: [3, 4], seed: 1 });
const bnLayers = (m: tf.LayersModel) => m.layers.filter((l) => l instanceof BatchNormalization3D);
const weightsOf = (l: tf.layers.Layer) => l.getWeights().map((w) => Array.from(w.dataSync()));

function expectClose(actual: number[] | undefined, expected: number[]): void {
  expect(actual?.length).toBe(expected.length);
  for (const [k, v] of (actual ?? []).entries()) expect(v).toBeCloseTo(expected[k] ?? Number.NaN, 5);
}

/** Per-channel mean and biased variance over every batch, in float64. */
async function populationStats(model: tf.LayersModel, data: InputBatch[]) {
  const firstBnInput = tf.model({
    inputs: model.inputs,
    outputs: bnLayers(model)[0]?.input as tf.SymbolicTensor,
  });
  const rows: number[][] = [];
  for (const b of data) {
    const y = firstBnInput.predict(tf.tensor(b.x, [...b.shape])) as tf.Tensor;
    const c = y.shape[4] as number;
    const v = await y.data();
    for (let i = 0; i < v.length; i += c) rows.push(Array.from(v.subarray(i, i + c)));
  }
  const c = rows[0]?.length ?? 0;
  const mean = Array.from({ length: c }, (_, k) => rows.reduce((s, r) => s + (r[k] ?? 0), 0) / rows.length);
  const variance = mean.map((m, k) => rows.reduce((s, r) => s + ((r[k] ?? 0) - m) ** 2, 0) / rows.length);
  return { mean, variance };
}

describe('recomputeBatchNormStatistics', () => {
  it('sets the first layer moving stats to its input population mean/variance and keeps gamma, beta', async () => {
    const model = tinyModel();
    const data = batches(3);
    const [bn0, bn1] = bnLayers(model);
    if (!bn0 || !bn1) throw new Error('expected two BatchNorm layers');
    bn0.setWeights([tf.tensor1d([1.5, 0.5, 2]), tf.tensor1d([0.1, 0, -0.1]), tf.ones([3]), tf.ones([3])]);
    const [gamma, beta] = weightsOf(bn0);
    const expected = await populationStats(model, data);

    const result = await recomputeBatchNormStatistics(model, data);

    expect(result).toEqual({ layers: 2, batches: 3, samples: 3 * 2 * 4 ** 3 });
    const [g, b, mean, variance] = weightsOf(bn0);
    expect(g).toEqual(gamma);
    expect(b).toEqual(beta);
    expectClose(mean, expected.mean);
    expectClose(variance, expected.variance);
    // The second layer got statistics too (no longer the initial zeros and ones).
    const [, , mean1, var1] = weightsOf(bn1);
    expect(mean1?.some((m) => m !== 0)).toBe(true);
    expect(var1?.some((v) => v !== 1)).toBe(true);
  });

  it('leaves no tensor behind', async () => {
    const model = tinyModel();
    await recomputeBatchNormStatistics(model, batches(1)); // builds what is built once
    const before = tf.memory().numTensors;
    await recomputeBatchNormStatistics(model, batches(3));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('honours maxBatches and changes nothing when no batch comes', async () => {
    const model = tinyModel();
    const untouched = bnLayers(model).map(weightsOf);
    expect(await recomputeBatchNormStatistics(model, [])).toEqual({ layers: 2, batches: 0, samples: 0 });
    expect(bnLayers(model).map(weightsOf)).toEqual(untouched);

    const limited = await recomputeBatchNormStatistics(model, batches(4), { maxBatches: 1 });
    expect(limited.batches).toBe(1);
    const [, , mean] = weightsOf(bnLayers(model)[0] as tf.layers.Layer);
    const expected = await populationStats(model, batches(1));
    expectClose(mean, expected.mean);
  });
});
