import { beforeAll, describe, expect, it } from 'vitest';
import { blockOutputSide, buildSeedModel, minSideForBlocks, modelInputSize } from './seed-model.js';
import { countParams } from './summary.js';
import * as tf from './tf.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Deterministic values in [-1, 1). */
function pseudoRandom(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

const TINY = { width: 12, height: 10, depth: 11, filters: [2, 3], denseUnits: 4, seed: 7 };

describe('buildSeedModel', () => {
  it('builds the seed layer sequence with Keras names, each conv+pool pair one fused layer', () => {
    const model = buildSeedModel(TINY);
    expect(model.name).toBe('3dcnn');
    expect(model.layers.map((l) => `${l.name}:${l.getClassName()}`)).toEqual([
      'input_layer:InputLayer',
      'conv3d:ConvPool3D',
      'batch_normalization:BatchNormalization3D',
      'conv3d_1:ConvPool3D',
      'batch_normalization_1:BatchNormalization3D',
      'global_average_pooling3d:GlobalAveragePooling3D',
      'dense:Dense',
      'dropout:SeededDropout',
      'dense_1:Dense',
    ]);
    expect(modelInputSize(model)).toEqual([12, 10, 11]);
  });

  it('builds the stock Conv3D and MaxPooling3D layers with fused: false', () => {
    const model = buildSeedModel({ ...TINY, fused: false });
    expect(model.layers.map((l) => `${l.name}:${l.getClassName()}`)).toEqual([
      'input_layer:InputLayer',
      'conv3d:Conv3D',
      'max_pooling3d:MaxPooling3D',
      'batch_normalization:BatchNormalization3D',
      'conv3d_1:Conv3D',
      'max_pooling3d_1:MaxPooling3D',
      'batch_normalization_1:BatchNormalization3D',
      'global_average_pooling3d:GlobalAveragePooling3D',
      'dense:Dense',
      'dropout:SeededDropout',
      'dense_1:Dense',
    ]);
    expect(modelInputSize(model)).toEqual([12, 10, 11]);
  });

  it('predicts one sigmoid probability per sample', () => {
    const model = buildSeedModel(TINY);
    const x = tf.tensor5d(pseudoRandom(3 * 12 * 10 * 11, 1), [3, 12, 10, 11, 1]);
    const y = model.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([3, 1]);
    for (const p of y.dataSync()) expect(p > 0 && p < 1).toBe(true);
  });

  it('supports a softmax head for several classes', () => {
    const model = buildSeedModel({ ...TINY, outputUnits: 3 });
    const y = model.predict(tf.tensor5d(pseudoRandom(2 * 12 * 10 * 11, 2), [2, 12, 10, 11, 1])) as tf.Tensor;
    expect(y.shape).toEqual([2, 3]);
    const p = y.dataSync();
    expect(p[0] + p[1] + p[2]).toBeCloseTo(1, 5);
  });

  it('computes block sizes and the seed minimum of 46 voxels per side', () => {
    expect(blockOutputSide(128)).toBe(63);
    expect(blockOutputSide(3)).toBeNull();
    expect(minSideForBlocks(4)).toBe(46);
    expect(minSideForBlocks(2)).toBe(10);
    expect(() => buildSeedModel({ width: 128, height: 128, depth: 45 })).toThrow(
      'buildSeedModel: depth 45 is too small for 4 conv blocks (each side needs >= 46 voxels)',
    );
    expect(() => buildSeedModel({ ...TINY, width: 9 })).toThrow(/width 9 is too small for 2 conv blocks/);
    expect(() => buildSeedModel({ ...TINY, filters: [] })).toThrow(/filters must be positive integers/);
    expect(() => buildSeedModel({ ...TINY, filters: [2, 3], width: 10 })).not.toThrow();
  });

  it('gives identical initial weights for the same seed, fused or not', () => {
    const a = buildSeedModel(TINY).getWeights();
    const b = buildSeedModel(TINY).getWeights();
    const stock = buildSeedModel({ ...TINY, fused: false });
    expect(stock.weights.map((w) => w.originalName)).toEqual(
      buildSeedModel(TINY).weights.map((w) => w.originalName),
    );
    a.forEach((w, i) => {
      expect(Array.from(w.dataSync())).toEqual(Array.from(b[i].dataSync()));
      expect(Array.from(w.dataSync())).toEqual(Array.from(stock.getWeights()[i].dataSync()));
    });
  });

  it('trains with model.fit: loss is finite and the moving statistics move', async () => {
    const model = buildSeedModel(TINY);
    model.compile({ optimizer: tf.train.adam(1e-3), loss: 'binaryCrossentropy', metrics: ['acc'] });
    const x = tf.tensor5d(pseudoRandom(4 * 12 * 10 * 11, 3), [4, 12, 10, 11, 1]);
    const y = tf.tensor2d([0, 1, 0, 1], [4, 1]);
    const bn = model.getLayer('batch_normalization');
    const before = Array.from(bn.getWeights()[2].dataSync());
    const history = await model.fit(x, y, { epochs: 2, batchSize: 2, verbose: 0 });
    expect(history.history.loss.every((l) => Number.isFinite(l as number))).toBe(true);
    const after = Array.from(bn.getWeights()[2].dataSync());
    expect(after).not.toEqual(before);
    expect(countParams(model).nonTrainable).toBe(2 * 2 + 2 * 3);
  });
});
