import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADAM_UPDATE, buildSeedModel, initBackend, tf } from '@ct3d/model';
import { type AdamStepAttrs, adamStepValues } from '@ct3d/test-support';
import { share } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BestCheckpoint, EarlyStopping } from './callbacks.js';
import type { EpochEndEvent, RunEndEvent, TrainEvent } from './events.js';
import { type FitOptions, fit, fitToEnd } from './fit.js';
import { loadResumeCheckpoint, RESUME_DIR, restoreTraining, saveResumePoint } from './resume.js';
import { runPaths } from './run-folder/layout.js';
import { RunRecorder } from './run-folder/recorder.js';
import { RunFolderStore } from './run-folder/store.js';
import { constantLr } from './schedule.js';
import { createAdam, trainStep } from './step.js';
import { syntheticBatches } from './synthetic.js';

const dir = await mkdtemp(join(tmpdir(), 'ct3d-train-resume-'));
beforeAll(async () => {
  await initBackend('cpu');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

// Dropout 0.3 like the seed: SeededDropout's masks are a function of (seed, epoch, step), so a resumed run
// draws the masks the uninterrupted one drew.
const tinyModel = (seed = 1) =>
  buildSeedModel({ width: 8, height: 8, depth: 8, filters: [4], denseUnits: 8, dropout: 0.3, seed });

const values = (ts: tf.Tensor[]): number[][] => ts.map((t) => Array.from(t.dataSync()));

/** What the cpu backend offers a kernel: read an input, make an output. */
interface CpuKernelBackend {
  readSync(dataId: tf.DataId): unknown;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

/** The Adam update op's kernel for 'cpu' (float64 arithmetic), standing in for webgpu's. */
const cpuAdamKernel: tf.KernelConfig = {
  kernelName: ADAM_UPDATE,
  backendName: 'cpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const cpu = backend as unknown as CpuKernelBackend;
    const input = (name: string): tf.TensorInfo => {
      const t = inputs[name];
      if (t === undefined) throw new Error(`${ADAM_UPDATE}: no input ${name}`);
      return t;
    };
    const [w, m, v, g] = ['w', 'm', 'v', 'g'].map((k) => cpu.readSync(input(k).dataId) as Float32Array);
    const out = adamStepValues(w, m, v, g, attrs as unknown as AdamStepAttrs);
    return cpu.makeTensorInfo(input('w').shape, 'float32', out);
  },
};

describe('resume checkpoint', () => {
  it('restores weights (BatchNorm statistics included), Adam state and trackers exactly', async () => {
    const model = tinyModel();
    const optimizer = createAdam(1e-2);
    for await (const b of syntheticBatches({ count: 6, seed: 3 })(1)) await trainStep(model, optimizer, b);
    const stopper = new EarlyStopping({ monitor: 'loss', patience: 5 });
    const best = new BestCheckpoint({ monitor: 'loss' });
    for (const [epoch, loss] of [
      [1, 0.7],
      [2, 0.6],
      [3, 0.65],
    ]) {
      stopper.update(epoch, { loss });
      best.update(epoch, { loss });
    }
    const last = { type: 'epochEnd', epoch: 3, loss: 0.65 } as EpochEndEvent;
    const st = { opts: { model }, optimizer, schedule: constantLr(1e-2), epochs: 10, iteration: 3 };
    const point = {
      st,
      epoch: 3,
      history: { loss: [0.7, 0.6, 0.65] },
      stopper,
      best,
      last,
      stoppedEarly: false,
    };
    const store = new RunFolderStore(join(dir, 'unit'));
    const ckptDir = store.paths.resume;
    const tensorsBefore = tf.memory().numTensors;
    await saveResumePoint(
      { save: true, meta: { data: 'x' } },
      { ...point, bestEvent: null, bestPath: null },
      store,
    );

    const from = await loadResumeCheckpoint(ckptDir);
    expect(from?.state).toMatchObject({ epoch: 3, iteration: 3, meta: { data: 'x' }, stoppedEarly: false });
    const model2 = tinyModel(99);
    const optimizer2 = createAdam(1e-2);
    const stopper2 = new EarlyStopping({ monitor: 'loss', patience: 5 });
    const best2 = new BestCheckpoint({ monitor: 'loss' });
    const parts = { model: model2, optimizer: optimizer2, stopper: stopper2, best: best2, epochs: 10 };
    const restored = await restoreTraining(from, parts);

    expect(restored).toMatchObject({ epoch: 3, iteration: 3, history: { loss: [0.7, 0.6, 0.65] } });
    // BatchNorm moving statistics moved away from their initial 0 / 1 and are restored too.
    const names = model.weights.map((w) => w.originalName);
    expect(names.some((n) => n.includes('moving_mean'))).toBe(true);
    expect(values(model2.getWeights())).toEqual(values(model.getWeights()));
    const [iter, ...moments] = await optimizer.getWeights();
    const [iter2, ...moments2] = await optimizer2.getWeights();
    expect(moments).toHaveLength(2 * model.trainableWeights.length);
    expect(iter2.tensor.dataSync()[0]).toBe(iter.tensor.dataSync()[0]);
    expect(values(moments2.map((m) => m.tensor))).toEqual(values(moments.map((m) => m.tensor)));
    const [a, b] = await Promise.all([optimizer.snapshot(), optimizer2.snapshot()]);
    expect(b.accBeta1).not.toBeNull();
    expect([b.accBeta1, b.accBeta2]).toEqual([a.accBeta1, a.accBeta2]);
    tf.dispose([a.weights[0].tensor, b.weights[0].tensor]);
    expect({ ...stopper2 }).toEqual({ ...stopper });
    expect({ ...best2 }).toEqual({ ...best });
    tf.dispose([iter.tensor, iter2.tensor]);
    optimizer2.dispose();
    model2.dispose();
    expect(tf.memory().numTensors).toBe(tensorsBefore); // save and restore leak no tensors
    optimizer.dispose();
    model.dispose();
  });

  it("falls back to pow(beta, t + 1) when a fused WebGPU step left Adam's beta^t stale", async () => {
    const model = tinyModel();
    const optimizer = createAdam(1e-2);
    // Steps through an Adam kernel (as on webgpu): the fused step leaves tfjs's beta^t variables stale.
    tf.registerKernel(cpuAdamKernel);
    try {
      for await (const b of syntheticBatches({ count: 4, seed: 3 })(1)) await trainStep(model, optimizer, b);
    } finally {
      tf.unregisterKernel(ADAM_UPDATE, 'cpu');
    }
    const st = { opts: { model }, optimizer, schedule: constantLr(1e-2), epochs: 2, iteration: 2 };
    const last = { type: 'epochEnd', epoch: 1 } as EpochEndEvent;
    const common = { history: {}, stopper: null, best: null, bestEvent: null, bestPath: null };
    const store = new RunFolderStore(join(dir, 'stale'));
    const ckptDir = store.paths.resume;
    await saveResumePoint({ save: true }, { ...common, st, epoch: 1, last, stoppedEarly: false }, store);
    const from = await loadResumeCheckpoint(ckptDir);
    expect(from?.state.optimizer).toMatchObject({ iterations: 2, accBeta1: null, accBeta2: null });
    const optimizer2 = createAdam(1e-2);
    const parts = { model: tinyModel(), optimizer: optimizer2, stopper: null, best: null, epochs: 2 };
    await restoreTraining(from, parts);
    const restored = await optimizer2.snapshot();
    tf.dispose(restored.weights[0].tensor);
    expect(restored.accBeta1).toBeCloseTo(0.9 ** 3, 6);
    expect(restored.accBeta2).toBeCloseTo(0.999 ** 3, 6);
  });

  it('refuses a checkpoint of another architecture with a clear error', async () => {
    const from = await loadResumeCheckpoint(runPaths(join(dir, 'unit')).resume);
    const other = buildSeedModel({ width: 8, height: 8, depth: 8, filters: [2], denseUnits: 8, seed: 1 });
    const parts = { model: other, optimizer: createAdam(1e-2), stopper: null, best: null, epochs: 10 };
    await expect(restoreTraining(from, parts)).rejects.toThrow(
      /model\.json: weight .+ is \[.+\], the model's is/,
    );
  });
});

const fitOptions = (runDir: string): FitOptions => ({
  model: tinyModel(),
  train: syntheticBatches({ count: 12, seed: 1 }),
  validation: syntheticBatches({ count: 8, seed: 2, shuffle: false }),
  epochs: 4,
  stepsPerEpoch: 6,
  learningRate: 1e-2,
  earlyStopping: { monitor: 'val_acc', patience: 10 },
  runDir,
  montage: false,
});

async function recordedRun(opts: FitOptions): Promise<RunEndEvent> {
  const events$ = fit(opts).pipe(share());
  const recorder = new RunRecorder(opts.runDir ?? '');
  recorder.attach(events$);
  const end = await fitToEnd(events$);
  await recorder.done();
  return end;
}

describe('fit with resume', () => {
  it('stopped after epoch 2 and resumed to 4 equals an uninterrupted run (dropout 0.3), each epoch once', async () => {
    const wholeOpts = fitOptions(join(dir, 'whole'));
    const whole = await recordedRun(wholeOpts);

    // The interrupted run: its subscriber goes away once epoch 3 has started (a crash mid-epoch).
    const runDir = join(dir, 'split');
    const resumeDir = join(runDir, RESUME_DIR);
    const first = new RunRecorder(runDir);
    await new Promise<void>((resolve, reject) => {
      const sub = fit({ ...fitOptions(runDir), resume: { save: true } }).subscribe({
        next: (e: TrainEvent) => {
          first.record(e);
          if (e.type === 'batchEnd' && e.epoch === 3) {
            sub.unsubscribe();
            resolve();
          }
        },
        error: reject,
      });
    });
    await first.done();
    expect(await readdir(resumeDir)).toEqual(['epoch-0002']);
    expect(JSON.parse(await readFile(join(runDir, 'history.json'), 'utf8')).loss).toHaveLength(2);

    // A write torn by kill -9 leaves a temp folder: ignored, and cleaned up by the next checkpoint.
    const torn = join(resumeDir, '.tmp-epoch-0003-1234-1');
    await mkdir(join(torn, 'model'), { recursive: true });
    await writeFile(join(torn, 'state.json'), '{"format": "ct3d-res');
    const from = await loadResumeCheckpoint(resumeDir);
    expect(from?.state.epoch).toBe(2);

    const resumedOpts: FitOptions = { ...fitOptions(runDir), resume: { from, save: true } };
    const end = await recordedRun(resumedOpts);
    expect(end.epochsRun).toBe(4);
    expect(end.history).toEqual(whole.history);
    // Bit-identical weights, BatchNorm statistics included.
    expect(values(resumedOpts.model.getWeights())).toEqual(values(wholeOpts.model.getWeights()));
    expect(end.bestEpoch).toBe(whole.bestEpoch);
    expect(end.best?.val_loss).toBe(whole.best?.val_loss);
    const history = JSON.parse(await readFile(join(runDir, 'history.json'), 'utf8'));
    expect(history).toEqual(JSON.parse(await readFile(join(dir, 'whole', 'history.json'), 'utf8')));

    const events = (await readFile(join(runDir, 'events.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as TrainEvent);
    expect(events.filter((e) => e.type === 'epochEnd').map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    const steps = events.flatMap((e) => (e.type === 'batchEnd' ? [`${e.epoch}.${e.step}`] : []));
    expect(new Set(steps).size).toBe(steps.length);
    expect(steps).toHaveLength(24);
    const starts = events.filter((e) => e.type === 'runStart');
    expect(starts.map((e) => e.type === 'runStart' && e.resumed?.epoch)).toEqual([undefined, 2]);
    expect(await readdir(resumeDir)).toEqual(['epoch-0004']);
  }, 60_000);

  it('carries early stopping over: a run stopped by it stays stopped when resumed', async () => {
    const runDir = join(dir, 'early');
    const resumeDir = join(runDir, RESUME_DIR);
    const opts = { ...fitOptions(runDir), earlyStopping: { monitor: 'val_acc', patience: 1, minDelta: 2 } };
    const first = await recordedRun({ ...opts, resume: { save: true } });
    expect(first).toMatchObject({ stoppedEarly: true, epochsRun: 2 });
    const from = await loadResumeCheckpoint(resumeDir);
    expect(from?.state).toMatchObject({ epoch: 2, stoppedEarly: true });
    const again = await recordedRun({ ...opts, resume: { from, save: true } });
    expect(again).toMatchObject({ stoppedEarly: true, epochsRun: 2, bestEpoch: first.bestEpoch });
    expect(again.history).toEqual(first.history);
  }, 60_000);
});
