import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, saveModel } from './persist.js';
import { buildSeedModel } from './seed-model.js';
import { formatSummary } from './summary.js';
import * as tf from './tf.js';

let root: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(path.join(tmpdir(), 'ct3d-model-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const OPTS = { width: 12, height: 10, depth: 11, filters: [2, 3], denseUnits: 4, seed: 1 };
const input = (): tf.Tensor5D =>
  tf.tensor5d(
    Float32Array.from({ length: 2 * 12 * 10 * 11 }, (_, i) => Math.cos(i * 0.37)),
    [2, 12, 10, 11, 1],
  );

/** A model whose batch-norm moving statistics are no longer the initial ones. */
async function trainedModel(): Promise<tf.LayersModel> {
  const model = buildSeedModel(OPTS);
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  await model.fit(input(), tf.tensor2d([0, 1], [2, 1]), { epochs: 1, verbose: 0 });
  return model;
}

describe('saveModel / loadModel', () => {
  it('round-trips topology, custom layers and weights: identical predictions', async () => {
    const model = await trainedModel();
    const dir = path.join(root, 'roundtrip', 'nested');
    await saveModel(model, dir);
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0].paths).toEqual(['./weights.bin']);
    const topology = json.modelTopology.model_config ?? json.modelTopology;
    const classNames = topology.config.layers.map((l: { class_name: string }) => l.class_name);
    expect(classNames).toContain('BatchNormalization3D');
    expect(classNames).toContain('GlobalAveragePooling3D');
    expect(classNames).toContain('ConvPool3D');

    const loaded = await loadModel(dir);
    const want = (model.predict(input()) as tf.Tensor).dataSync();
    const got = (loaded.predict(input()) as tf.Tensor).dataSync();
    expect(Array.from(got)).toEqual(Array.from(want));
    expect(formatSummary(loaded)).toBe(formatSummary(model));
    const names = (m: tf.LayersModel) => m.weights.map((w) => w.originalName);
    expect(names(loaded)).toEqual(names(model));
  });

  it('still loads models saved with the stock Conv3D and MaxPooling3D layers', async () => {
    const model = buildSeedModel({ ...OPTS, fused: false });
    const dir = path.join(root, 'stock-layers');
    await saveModel(model, dir);
    const loaded = await loadModel(dir);
    expect(loaded.layers.map((l) => l.getClassName())).toContain('MaxPooling3D');
    const want = (model.predict(input()) as tf.Tensor).dataSync();
    expect(Array.from((loaded.predict(input()) as tf.Tensor).dataSync())).toEqual(Array.from(want));
    expect(formatSummary(loaded)).toBe(formatSummary(buildSeedModel(OPTS)));
  });

  it('overwrites an existing save in place', async () => {
    const dir = path.join(root, 'overwrite');
    await saveModel(buildSeedModel(OPTS), dir);
    const model = await trainedModel();
    await saveModel(model, dir);
    const loaded = await loadModel(dir);
    const want = (model.predict(input()) as tf.Tensor).dataSync();
    expect(Array.from((loaded.predict(input()) as tf.Tensor).dataSync())).toEqual(Array.from(want));
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
  });

  it('can keep the optimizer state for resuming', async () => {
    const model = await trainedModel();
    const dir = path.join(root, 'with-optimizer');
    await saveModel(model, dir, { includeOptimizer: true });
    const loaded = await loadModel(dir);
    const optimizerWeights = await model.optimizer.getWeights();
    const restored = await loaded.optimizer.getWeights();
    expect(restored.map((w) => w.name)).toEqual(optimizerWeights.map((w) => w.name));
    expect(Array.from(restored[1].tensor.dataSync())).toEqual(
      Array.from(optimizerWeights[1].tensor.dataSync()),
    );
  });

  it('fails with the file and reason for a missing, invalid or truncated save', async () => {
    const missing = path.join(root, 'nothing');
    await expect(loadModel(missing)).rejects.toThrow(
      `${path.join(missing, 'model.json')}: no saved model here`,
    );

    const bad = path.join(root, 'bad');
    await saveModel(buildSeedModel(OPTS), bad);
    await truncate(path.join(bad, 'weights.bin'), 100);
    await expect(loadModel(bad)).rejects.toThrow(/weights\.bin: 100 bytes, model\.json expects \d+/);

    await writeFile(path.join(bad, 'model.json'), '{"oops": 1}');
    await expect(loadModel(bad)).rejects.toThrow(
      /model\.json: invalid model\.json \(not a tfjs model\.json\)/,
    );
  });
});
