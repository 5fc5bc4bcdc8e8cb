import { toChannelsLast } from '@ct3d/core';
import { synthesizeChestCT } from '@ct3d/io/synthetic';
import { buildSeedModel, initBackend, type tf } from '@ct3d/model';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from './evaluate.js';
import { formatPrediction } from './format.js';
import { createAdam, predictBatch, predictProbability, trainStep } from './step.js';
import { syntheticBatches } from './synthetic.js';

beforeAll(async () => {
  await initBackend('cpu');
});

const model = () => buildSeedModel({ width: 8, height: 8, depth: 8, filters: [4], denseUnits: 8, seed: 2 });

function movingMean(m: tf.LayersModel): Float32Array {
  const w = m.weights.find((v) => v.name.includes('moving_mean'));
  if (!w) throw new Error('no moving_mean weight');
  return w.read().dataSync() as Float32Array;
}

describe('trainStep / predictBatch', () => {
  it('runs BatchNorm in training mode only when training', async () => {
    const m = model();
    const [batch] = [
      ...(syntheticBatches({ count: 2, seed: 1 })(1) as Iterable<import('./step.js').BatchLike>),
    ];
    const m0 = movingMean(m);
    await predictBatch(m, batch);
    expect(movingMean(m)).toEqual(m0);
    const opt = createAdam(1e-3);
    const { loss, probs } = await trainStep(m, opt, batch);
    expect(Number.isFinite(loss)).toBe(true);
    expect(probs).toHaveLength(2);
    expect(movingMean(m)).not.toEqual(m0);
    opt.dispose();
    m.dispose();
  });

  it('follows the learning rate set before the step (Adam first step moves each weight by ~lr)', async () => {
    const m = model();
    const batch = [
      ...(syntheticBatches({ count: 2, seed: 1 })(1) as Iterable<import('./step.js').BatchLike>),
    ][0];
    const kernel = () => m.getLayer('dense_1').getWeights()[0].dataSync().slice();
    const before = kernel();
    const opt = createAdam(1);
    opt.setLearningRate(1e-3);
    expect(opt.currentLearningRate).toBe(1e-3);
    await trainStep(m, opt, batch);
    const moved = kernel().map((v, i) => Math.abs(v - before[i]));
    expect(Math.max(...moved)).toBeCloseTo(1e-3, 4);
    opt.dispose();
    m.dispose();
  });
});

describe('evaluate / predictProbability', () => {
  it('agree on a scan given as a Volume or channels-last voxels', async () => {
    const m = model();
    const v = synthesizeChestCT({ size: 8, slices: 8, abnormal: true, seed: 4 });
    const data = v.data.map((x) => Math.min(1, Math.max(0, (x + 1000) / 1400)));
    const vol = { ...v, data };
    const p = await predictProbability(m, vol);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1);
    const x = toChannelsLast(vol);
    expect(await predictProbability(m, x)).toBeCloseTo(p, 6);
    const ev = await evaluate(m, [{ x, y: Float32Array.of(1), shape: [1, 8, 8, 8, 1], ids: ['s'] }]);
    expect(ev.probabilities[0]).toBeCloseTo(p, 6);
    expect(ev.ids).toEqual(['s']);
    expect(formatPrediction(p).split('\n')).toHaveLength(2);
    await expect(predictProbability(m, new Float32Array(7))).rejects.toThrow(
      /7 voxels but the model takes 8x8x8/,
    );
    m.dispose();
  });
});
