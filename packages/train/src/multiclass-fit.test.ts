import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@ct3d/core';
import { writeNifti } from '@ct3d/io/node';
import { synthesizeChestCT } from '@ct3d/io/synthetic';
import { buildSeedModel, initBackend } from '@ct3d/model';
import { share, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchSource } from './epoch.js';
import { evaluate, isMulticlass } from './evaluate.js';
import type { EpochEndEvent, TrainEvent } from './events.js';
import { fit, fitToEnd } from './fit.js';
import { formatEpochLine } from './format.js';
import { categoricalCrossEntropy, toRows } from './multiclass-metrics.js';
import { loadRun, predictScanFile } from './run-folder/load-run.js';
import { RunRecorder } from './run-folder/recorder.js';
import { type BatchLike, createAdam, trainStep } from './step.js';

const dir = await mkdtemp(join(tmpdir(), 'ct3d-train-multiclass-'));
beforeAll(async () => {
  await initBackend('cpu');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const SIZE = 8;
const tiny3 = () =>
  buildSeedModel({
    width: SIZE,
    height: SIZE,
    depth: SIZE,
    filters: [4],
    denseUnits: 8,
    dropout: 0,
    seed: 1,
    outputUnits: 3,
  });

/** A separable 3-class set: class c volumes have mean 0.2 + 0.3c with uniform noise. */
function threeClassBatches(count: number, seed: number, shuffle = true): BatchSource {
  const voxels = SIZE ** 3;
  const rng = createRng(seed);
  const samples = Array.from({ length: count }, (_, i) => {
    const label = i % 3;
    const x = Float32Array.from({ length: voxels }, () => 0.2 + 0.3 * label + (rng.next() - 0.5) * 0.3);
    return { x, label, id: `s${i}` };
  });
  return function* (epoch: number): Generator<BatchLike> {
    const order = samples.map((_, i) => i);
    if (shuffle) createRng(seed + epoch).shuffle(order);
    for (let first = 0; first < order.length; first += 3) {
      const items = order.slice(first, first + 3).map((i) => samples[i]);
      const x = new Float32Array(items.length * voxels);
      items.forEach((s, k) => {
        x.set(s.x, k * voxels);
      });
      yield {
        x,
        y: Float32Array.from(items, (s) => s.label),
        shape: [items.length, SIZE, SIZE, SIZE, 1],
        ids: items.map((s) => s.id),
      };
    }
  };
}

describe('multi-class training', () => {
  it('trainStep applies class weights per sample (loss = weighted CE of its own probabilities)', async () => {
    const model = tiny3();
    const opt = createAdam(0); // no update: only the loss matters
    const [batch] = [...(threeClassBatches(3, 5, false)(1) as Iterable<BatchLike>)];
    const weights = [0.5, 2, 1];
    const { loss, probs } = await trainStep(model, opt, batch, { classWeights: weights });
    const rows = toRows(probs, 3);
    const hand =
      rows.reduce((s, row, i) => s + weights[batch.y[i]] * categoricalCrossEntropy(batch.y[i], row), 0) / 3;
    expect(loss).toBeCloseTo(hand, 5);
    const plain = await trainStep(model, opt, batch);
    const handPlain = rows.reduce((s, row, i) => s + categoricalCrossEntropy(batch.y[i], row), 0) / 3;
    expect(plain.loss).toBeCloseTo(handPlain, 5);
    expect(plain.loss).not.toBeCloseTo(loss, 3);
    opt.dispose();
    model.dispose();
  });

  it('a 3-class run lowers the loss and records per-class metrics; predict prints 3 sentences', async () => {
    const model = tiny3();
    const runDir = join(dir, 'run3');
    const events$ = fit({
      model,
      train: threeClassBatches(12, 1),
      validation: threeClassBatches(6, 2, false),
      epochs: 6,
      learningRate: 1e-2,
      runDir,
      montage: false,
      classWeights: [1, 1.5, 0.75],
      classNames: ['CT-0', 'CT-1', 'CT-2..4'],
    }).pipe(share());
    const recorder = new RunRecorder(runDir);
    recorder.attach(events$);
    const all = new Promise<TrainEvent[]>((r) => events$.pipe(toArray()).subscribe(r));
    const [events, end] = await Promise.all([all, fitToEnd(events$)]);
    await recorder.done();

    const start = events[0];
    expect(start.type === 'runStart' && start.settings).toMatchObject({
      loss: 'sparse_categorical_crossentropy',
      classWeights: [1, 1.5, 0.75],
    });
    expect(Math.min(...end.history.loss.slice(-2))).toBeLessThan(end.history.loss[0]);
    const epochs = events.filter((e): e is EpochEndEvent => e.type === 'epochEnd');
    const last = epochs.at(-1) as EpochEndEvent;
    expect(last.val_per_class?.map((m) => m.name)).toEqual(['CT-0', 'CT-1', 'CT-2..4']);
    expect(last.val_per_class?.map((m) => m.support)).toEqual([2, 2, 2]);
    expect(last.confusionMatrix?.flat().reduce((a, b) => a + b)).toBe(6);
    expect(last.classPredictions).toHaveLength(6);
    expect(last.val_sensitivity).toBeUndefined();
    expect(last.predictions).toBeUndefined();
    expect(formatEpochLine(last)).toMatch(
      /val_auc: [\d.]+ - val_macro_f1: [\d.e+-]+ - val_recall_0: [\d.e+-]+ - val_recall_1: [\d.e+-]+ - val_recall_2: [\d.e+-]+( - every validation scan predicted class \d \(collapsed to one class\))?$/,
    );

    const history = JSON.parse(await readFile(join(runDir, 'history.json'), 'utf8'));
    for (const key of [
      'loss',
      'acc',
      'val_loss',
      'val_acc',
      'val_auc',
      'val_macro_f1',
      'val_recall_2',
      'val_precision_0',
      'val_f1_1',
      'val_auc_2',
    ]) {
      expect(history[key], key).toHaveLength(6);
    }
    const metrics = JSON.parse(await readFile(join(runDir, 'metrics.json'), 'utf8'));
    expect(metrics.best.confusionMatrix).toHaveLength(3);
    expect(metrics.settings.classWeights).toEqual([1, 1.5, 0.75]);

    // evaluate reproduces the last epoch's validation numbers from the final model
    const again = await evaluate(model, threeClassBatches(6, 2, false)(1));
    if (!isMulticlass(again)) throw new Error('expected a multi-class evaluation');
    expect(again.loss).toBeCloseTo(last.val_loss ?? Number.NaN, 5);
    expect(again.confusion).toEqual(last.confusionMatrix);

    await writeFile(join(runDir, 'run.json'), JSON.stringify({ classNames: ['CT-0', 'CT-1', 'CT-2..4'] }));
    const scan = join(dir, 'scan.nii.gz');
    await writeNifti(synthesizeChestCT({ size: 16, slices: 8, abnormal: true, seed: 3 }), scan);
    const run = await loadRun(runDir);
    const p = await predictScanFile(run, scan);
    const lines = p.text.split('\n');
    expect(lines).toHaveLength(3);
    lines.forEach((line, c) => {
      expect(line).toMatch(
        new RegExp(
          `^This model is \\d+\\.\\d\\d percent confident that CT scan is ${['CT-0', 'CT-1', 'CT-2\\.\\.4'][c]}$`,
        ),
      );
    });
    expect(p.probabilities.reduce((a, b) => a + b)).toBeCloseTo(1, 5);
    expect(p.probability).toBe(p.probabilities[p.predicted]);
    run.model.dispose();
    model.dispose();
  }, 60_000);
});
