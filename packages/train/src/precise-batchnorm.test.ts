import {
  BatchNormalization3D,
  buildSeedModel,
  initBackend,
  recomputeBatchNormStatistics,
  type tf,
} from '@ct3d/model';
import { beforeAll, describe, expect, it } from 'vitest';
import { fit, fitToEnd } from './fit.js';
import { syntheticBatches } from './synthetic.js';

beforeAll(async () => {
  await initBackend('cpu');
});

const tinyModel = () =>
  buildSeedModel({ width: 8, height: 8, depth: 8, filters: [4], denseUnits: 8, dropout: 0, seed: 1 });
const movingStats = (m: tf.LayersModel) =>
  m.layers
    .filter((l) => l instanceof BatchNormalization3D)
    .flatMap((l) => l.getWeights().slice(2))
    .map((w) => Array.from(w.dataSync()));

describe('fit with preciseBatchNorm', () => {
  it('recomputes the BatchNorm statistics over its source after every epoch, before validation', async () => {
    const stats = syntheticBatches({ count: 6, seed: 3, shuffle: false });
    const epochsAsked: number[] = [];
    const model = tinyModel();
    await fitToEnd(
      fit({
        model,
        train: syntheticBatches({ count: 6, seed: 1 }),
        validation: syntheticBatches({ count: 4, seed: 2, shuffle: false }),
        epochs: 2,
        learningRate: 1e-2,
        preciseBatchNorm: {
          source: (epoch) => {
            epochsAsked.push(epoch);
            return stats(epoch);
          },
        },
      }),
    );
    expect(epochsAsked).toEqual([1, 2]);
    // The final statistics are those of the source under the final weights: recomputing changes nothing.
    const after = movingStats(model);
    await recomputeBatchNormStatistics(model, stats(3));
    const again = movingStats(model);
    expect(again.length).toBe(after.length);
    for (const [i, v] of again.entries()) {
      for (const [k, x] of v.entries()) expect(x).toBeCloseTo(after[i]?.[k] ?? Number.NaN, 6);
    }
  });

  it('leaves Keras moving averages when off', async () => {
    const model = tinyModel();
    await fitToEnd(
      fit({ model, train: syntheticBatches({ count: 6, seed: 1 }), epochs: 1, learningRate: 1e-2 }),
    );
    const before = movingStats(model);
    await recomputeBatchNormStatistics(model, syntheticBatches({ count: 6, seed: 3, shuffle: false })(1));
    expect(movingStats(model)).not.toEqual(before);
  });
});
