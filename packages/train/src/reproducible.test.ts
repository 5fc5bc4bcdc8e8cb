// The same seed gives bit-identical weights after N epochs, dropout 0.3 included, on each CPU backend.
import { buildSeedModel, initBackend, tf } from '@ct3d/model';
import { afterAll, describe, expect, it } from 'vitest';
import { fit, fitToEnd } from './fit.js';
import { syntheticBatches } from './synthetic.js';

afterAll(async () => {
  await initBackend('cpu');
});

async function trainedWeights(seed: number): Promise<number[][]> {
  const model = buildSeedModel({
    width: 8,
    height: 8,
    depth: 8,
    filters: [4],
    denseUnits: 8,
    dropout: 0.3,
    seed,
  });
  await fitToEnd(
    fit({
      model,
      train: syntheticBatches({ count: 8, seed: 1 }),
      validation: syntheticBatches({ count: 4, seed: 2, shuffle: false }),
      preciseBatchNorm: { source: syntheticBatches({ count: 8, seed: 1, shuffle: false }), maxBatches: 2 },
      epochs: 3,
      learningRate: 1e-2,
    }),
  );
  const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
  model.dispose();
  return weights;
}

describe.each(['cpu', 'wasm'] as const)('a seeded run on %s', (backend) => {
  it('gives identical weights after 3 epochs twice, and other weights with another seed', async () => {
    await initBackend(backend);
    expect(tf.getBackend()).toBe(backend);
    const first = await trainedWeights(5);
    const second = await trainedWeights(5);
    expect(second).toEqual(first);
    const other = await trainedWeights(6);
    expect(other).not.toEqual(first);
  }, 60_000);
});
