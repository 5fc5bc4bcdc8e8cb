import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend.js';
import { loadModel, saveModel } from '../persist.js';
import { buildSeedModel } from '../seed-model.js';
import { formatSummary } from '../summary.js';
import * as tf from '../tf.js';
import { SeededDropout, setDropoutStep } from './seeded-dropout.js';

beforeAll(async () => {
  await initBackend('cpu');
});

function dropoutOf(rate: number, seed: number): { model: tf.LayersModel; layer: SeededDropout } {
  const input = tf.input({ shape: [64] });
  const layer = new SeededDropout({ rate, seed });
  const model = tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
  return { model, layer };
}

const ones = () => tf.ones([2, 64]);
const run = (model: tf.LayersModel, training: boolean): number[] =>
  tf.tidy(() => Array.from((model.apply(ones(), { training }) as tf.Tensor).dataSync()));

describe('SeededDropout', () => {
  it('draws the same mask for the same (seed, epoch, step) and another one for the next step', () => {
    const a = dropoutOf(0.3, 7);
    const b = dropoutOf(0.3, 7);
    setDropoutStep(a.model, { epoch: 2, step: 5 });
    setDropoutStep(b.model, { epoch: 2, step: 5 });
    const first = run(a.model, true);
    expect(run(b.model, true)).toEqual(first);
    expect(run(a.model, true)).toEqual(first); // the same step again: the same mask
    setDropoutStep(a.model, { epoch: 2, step: 6 });
    expect(run(a.model, true)).not.toEqual(first);
    // Inverted dropout: every kept input is scaled by 1 / (1 - rate).
    const scale = Math.fround(1 / 0.7);
    expect(first.every((v) => v === 0 || v === scale)).toBe(true);
    const dropped = first.filter((v) => v === 0).length;
    expect(dropped).toBeGreaterThan(0.15 * 128);
    expect(dropped).toBeLessThan(0.45 * 128);
  });

  it('differs between seeds and is the identity at inference', () => {
    const a = dropoutOf(0.5, 1);
    const b = dropoutOf(0.5, 2);
    setDropoutStep(a.model, { epoch: 1, step: 1 });
    setDropoutStep(b.model, { epoch: 1, step: 1 });
    expect(run(a.model, true)).not.toEqual(run(b.model, true));
    expect(run(a.model, false)).toEqual(new Array(128).fill(1));
  });

  it('keeps its gradient: zero where dropped, the scale where kept', () => {
    const { layer } = dropoutOf(0.3, 3);
    layer.setStep({ epoch: 1, step: 1 });
    const x = tf.ones([2, 64]);
    const grad = tf.grad((t: tf.Tensor) => tf.sum(layer.apply(t, { training: true }) as tf.Tensor))(x);
    const out = tf.tidy(() => Array.from((layer.apply(x, { training: true }) as tf.Tensor).dataSync()));
    expect(Array.from(grad.dataSync())).toEqual(out);
    tf.dispose([x, grad]);
  });

  it('saves and loads as a registered layer, with its rate and seed, under Keras summary name', async () => {
    const model = buildSeedModel({ width: 8, height: 8, depth: 8, filters: [2], denseUnits: 4, seed: 5 });
    expect(formatSummary(model)).toMatch(/dropout \(Dropout\)/);
    const dir = await mkdtemp(join(tmpdir(), 'ct3d-dropout-'));
    try {
      await saveModel(model, dir);
      const loaded = await loadModel(dir);
      const layer = loaded.getLayer('dropout');
      expect(layer).toBeInstanceOf(SeededDropout);
      expect((layer as SeededDropout).rate).toBe(0.3);
      expect((layer as SeededDropout).seed).toBe(107);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
