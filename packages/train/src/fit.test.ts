import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSeedModel, initBackend, loadModel, tf } from '@ct3d/model';
import { PNG } from 'pngjs';
import { share, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from './evaluate.js';
import type { EpochEndEvent, TrainEvent } from './events.js';
import { fit, fitToEnd } from './fit.js';
import { formatEpochLine } from './format.js';
import { RunRecorder } from './run-folder/recorder.js';
import type { BatchLike } from './step.js';
import { syntheticBatches } from './synthetic.js';

const dir = await mkdtemp(join(tmpdir(), 'ct3d-train-fit-'));
beforeAll(async () => {
  await initBackend('cpu');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const tinyModel = (dropout = 0) =>
  buildSeedModel({ width: 8, height: 8, depth: 8, filters: [4], denseUnits: 8, dropout, seed: 1 });

async function pngStats(path: string): Promise<{ width: number; height: number; colors: number }> {
  const png = PNG.sync.read(await readFile(path));
  const colors = new Set<number>();
  for (let o = 0; o < png.data.length; o += 4) colors.add(png.data.readUInt32BE(o));
  return { width: png.width, height: png.height, colors: colors.size };
}

describe('fit end to end', () => {
  it('lowers the loss on a separable set and writes the run folder', async () => {
    const model = tinyModel(0.3);
    const runDir = join(dir, 'run');
    const events$ = fit({
      model,
      train: syntheticBatches({ count: 12, seed: 1 }),
      validation: syntheticBatches({ count: 8, seed: 2, shuffle: false }),
      epochs: 5,
      stepsPerEpoch: 6,
      learningRate: 1e-2,
      runDir,
      settings: { data: 'synthetic' },
    }).pipe(share());
    const recorder = new RunRecorder(runDir);
    recorder.attach(events$);
    const all = events$.pipe(toArray());
    const [events, end] = await Promise.all([
      new Promise<TrainEvent[]>((r) => all.subscribe(r)),
      fitToEnd(events$),
    ]);
    await recorder.done();

    expect(events[0]).toMatchObject({
      type: 'runStart',
      epochs: 5,
      stepsPerEpoch: 6,
      backend: 'cpu',
      runDir,
    });
    expect(events[0].type === 'runStart' && events[0].settings).toMatchObject({
      data: 'synthetic',
      epochs: 5,
    });
    expect(events.at(-1)).toBe(end);
    const batches = events.filter((e) => e.type === 'batchEnd');
    expect(batches).toHaveLength(30);
    expect(batches[0]).toMatchObject({ epoch: 1, step: 1, size: 2, lr: 1e-2 });
    const epochs = events.filter((e): e is EpochEndEvent => e.type === 'epochEnd');
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect(Math.min(...end.history.loss.slice(-2))).toBeLessThan(end.history.loss[0]);
    expect(epochs[0].confusion).toBeDefined();
    expect(formatEpochLine(epochs[0])).toMatch(
      /^Epoch 1\/5\n6\/6 - \d+s - \d+(ms|s|us)\/step - acc: [\d.]+ - loss: /,
    );

    // Checkpoints: strictly improving val_loss; runEnd's best epoch is the last one saved.
    const checkpoints = events.filter((e) => e.type === 'checkpoint');
    expect(checkpoints[0]).toMatchObject({ epoch: 1, path: join(runDir, 'best'), monitor: 'val_loss' });
    const values = checkpoints.map((c) => c.value);
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeLessThan(values[i - 1]);
    expect(end.bestEpoch).toBe(checkpoints.at(-1)?.epoch);
    expect(end.best?.val_loss).toBe(values.at(-1));

    // The best checkpoint holds that epoch's weights: evaluating it reproduces its val_loss.
    const best = await loadModel(join(runDir, 'best'));
    const again = await evaluate(best, syntheticBatches({ count: 8, seed: 2, shuffle: false })(1));
    expect(again.loss).toBeCloseTo(values.at(-1) ?? Number.NaN, 5);
    best.dispose();

    const history = JSON.parse(await readFile(join(runDir, 'history.json'), 'utf8'));
    for (const key of [
      'acc',
      'loss',
      'val_acc',
      'val_loss',
      'val_auc',
      'val_sensitivity',
      'val_specificity',
      'lr',
    ]) {
      expect(history[key]).toHaveLength(5);
    }
    expect(history.loss).toEqual(end.history.loss);
    const lines = (await readFile(join(runDir, 'events.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).type)).toEqual(events.map((e) => e.type));
    const metrics = JSON.parse(await readFile(join(runDir, 'metrics.json'), 'utf8'));
    expect(metrics.bestEpoch).toBe(end.bestEpoch);
    expect(metrics.best.confusionMatrix.flat().reduce((a: number, b: number) => a + b)).toBe(8);
    expect(metrics.settings.data).toBe('synthetic');
    expect(metrics.stoppedEarly).toBe(false);
    for (const m of ['model', 'best']) {
      expect((await readdir(join(runDir, m))).sort()).toEqual(['model.json', 'weights.bin']);
    }
    const curves = await pngStats(join(runDir, 'curves.png'));
    expect(curves.colors).toBeGreaterThan(2);
    const montage = await pngStats(join(runDir, 'montage.png'));
    expect(montage.colors).toBeGreaterThan(10);
    expect((await readdir(runDir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    model.dispose();
  }, 60_000);

  it('is deterministic for a seeded model without dropout', async () => {
    const run = async () => {
      const model = tinyModel(0);
      const end = await fitToEnd(
        fit({ model, train: syntheticBatches({ count: 4, seed: 3 }), epochs: 2, learningRate: 1e-2 }),
      );
      model.dispose();
      return end.history.loss;
    };
    const a = await run();
    expect(await run()).toEqual(a);
  }, 30_000);
});

describe('fit mechanics', () => {
  it('keeps the tensor count stable across epochs and frees the optimizer at the end', async () => {
    const model = tinyModel(0.3);
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    const events$ = fit({
      model,
      train: syntheticBatches({ count: 4, seed: 1 }),
      validation: syntheticBatches({ count: 2, seed: 2 }),
      epochs: 3,
    });
    events$.subscribe((e) => {
      if (e.type === 'epochEnd') counts.push(tf.memory().numTensors);
    });
    await fitToEnd(events$);
    expect(counts).toHaveLength(3);
    expect(counts[2]).toBe(counts[0]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  }, 30_000);

  it('stops early after `patience` epochs without improvement', async () => {
    const model = tinyModel();
    const events = await new Promise<TrainEvent[]>((resolve, reject) =>
      fit({
        model,
        train: syntheticBatches({ count: 2, seed: 1 }),
        epochs: 10,
        learningRate: 1e-3,
        earlyStopping: { monitor: 'lr', mode: 'max', patience: 2 },
      })
        .pipe(toArray())
        .subscribe({ next: resolve, error: reject }),
    );
    expect(events.find((e) => e.type === 'earlyStop')).toMatchObject({
      epoch: 3,
      bestEpoch: 1,
      monitor: 'lr',
    });
    expect(events.at(-1)).toMatchObject({ type: 'runEnd', stoppedEarly: true, epochsRun: 3 });
    model.dispose();
  }, 30_000);

  it('stops cleanly on unsubscribe and closes the batch source', async () => {
    const model = tinyModel();
    let closed = false;
    const source = async function* (): AsyncGenerator<BatchLike> {
      try {
        yield* syntheticBatches({ count: 40, seed: 1 })(1);
      } finally {
        closed = true;
      }
    };
    const seen: TrainEvent[] = [];
    const sub = fit({ model, train: source, epochs: 3 }).subscribe((e) => {
      seen.push(e);
      if (e.type === 'batchEnd' && e.step === 2) sub.unsubscribe();
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(closed).toBe(true);
    expect(seen.map((e) => e.type)).toEqual(['runStart', 'batchEnd', 'batchEnd']);
    model.dispose();
  }, 30_000);

  it('reports bad input as a stream error', async () => {
    const model = tinyModel();
    const bad = () => [
      { x: new Float32Array(10), y: new Float32Array(2), shape: [2, 8, 8, 8, 1], ids: ['a', 'b'] },
    ];
    await expect(fitToEnd(fit({ model, train: bad, epochs: 1 }))).rejects.toThrow(
      /batch a,b: shape \[2, 8, 8, 8, 1\] does not match 10 voxels/,
    );
    const failedDir = join(dir, 'failed');
    const failing$ = fit({ model, train: () => [], epochs: 1 }).pipe(share());
    const recorder = new RunRecorder(failedDir);
    recorder.attach(failing$);
    await expect(fitToEnd(failing$)).rejects.toThrow(/no batches in epoch 1/);
    await recorder.done();
    const failed = JSON.parse(await readFile(join(failedDir, 'metrics.json'), 'utf8'));
    expect(failed).toMatchObject({
      error: 'fit: the training source gave no batches in epoch 1',
      epochsRun: 0,
    });
    await expect(
      fitToEnd(fit({ model, train: syntheticBatches({ count: 2 }), earlyStopping: { monitor: 'val_acc' } })),
    ).rejects.toThrow(/"val_acc" needs a validation source/);
    model.dispose();
  });
});
