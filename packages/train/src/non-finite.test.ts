// Poisoned numbers: NaN inputs or NaN weights stop a run with a one-line error naming where, the last good
// checkpoint stays as it was, metrics never score NaN predictions as perfect, JSON errors name their file.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSeedModel, initBackend, loadModel, MODEL_JSON, saveModel, WEIGHTS_BIN } from '@ct3d/model';
import { lastValueFrom, tap, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchSource } from './epoch.js';
import type { TrainEvent } from './events.js';
import { fit } from './fit.js';
import { binaryMetrics, rocAuc } from './metrics.js';
import { multiclassMetrics } from './multiclass-metrics.js';
import { nonFiniteWeights } from './non-finite.js';
import { loadResumeCheckpoint } from './resume.js';
import { runPaths } from './run-folder/layout.js';
import type { BatchLike } from './step.js';
import { syntheticBatches } from './synthetic.js';

const dir = await mkdtemp(join(tmpdir(), 'ct3d-train-nan-'));
beforeAll(async () => {
  await initBackend('cpu');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const tinyModel = () =>
  buildSeedModel({ width: 8, height: 8, depth: 8, filters: [2], denseUnits: 4, seed: 1 });

/** Good batches, except that from `epoch` on the batch with `id` holds NaN voxels (a poisoned cache file). */
function poisonedFrom(epoch: number, id: string): BatchSource {
  const good = syntheticBatches({ count: 6, seed: 1, shuffle: false });
  return function* (e: number) {
    for (const batch of good(e) as Iterable<BatchLike>) {
      if (e >= epoch && batch.ids?.includes(id))
        yield { ...batch, x: new Float32Array(batch.x.length).fill(Number.NaN) };
      else yield batch;
    }
  };
}

/** Runs `events$` once (fit is cold: one subscription, one run) to its error; the events seen before it. */
async function failure(events$: ReturnType<typeof fit>): Promise<{ events: TrainEvent[]; error: Error }> {
  const events: TrainEvent[] = [];
  try {
    await lastValueFrom(events$.pipe(tap((e) => events.push(e))));
  } catch (err) {
    return { events, error: err as Error };
  }
  throw new Error('expected the run to fail');
}

describe('non-finite loss or weights stop the run', () => {
  it('a NaN scan in epoch 2 stops at its step, naming its scans; best/ keeps epoch 1 weights', async () => {
    const runDir = join(dir, 'nan-input');
    const run$ = fit({
      model: tinyModel(),
      train: poisonedFrom(2, 'synthetic-3'),
      validation: syntheticBatches({ count: 4, seed: 2, shuffle: false }),
      epochs: 3,
      learningRate: 1e-3,
      runDir,
      montage: false,
    });
    const { error, events } = await failure(run$);
    expect(error.message).toBe(
      'fit: loss is NaN at epoch 2 step 2 (scans synthetic-2, synthetic-3); training stopped, the last good checkpoint is kept',
    );
    expect(error.message).not.toContain('\n');
    const checkpoints = events.filter((e) => e.type === 'checkpoint');
    expect(checkpoints.map((e) => e.epoch)).toEqual([1]);
    const best = await loadModel(join(runDir, 'best'));
    expect(await nonFiniteWeights(best)).toEqual([]);
  }, 60_000);

  it('a resume checkpoint of NaN weights is refused before any step, and stays the newest', async () => {
    const runDir = join(dir, 'nan-resume');
    const resumeDir = runPaths(runDir).resume;
    const opts = () => ({
      runDir,
      montage: false,
      model: tinyModel(),
      train: syntheticBatches({ count: 4, seed: 1 }),
      epochs: 3,
      learningRate: 1e-3,
    });
    // Stop after epoch 1: its checkpoint is the one to resume.
    await lastValueFrom(fit({ ...opts(), epochs: 1, resume: { save: true } }).pipe(toArray()));
    const ckpt = join(resumeDir, 'epoch-0001');
    const weights = join(ckpt, 'model', WEIGHTS_BIN);
    const n = (await readFile(weights)).byteLength / 4;
    await writeFile(weights, new Uint8Array(new Float32Array(n).fill(Number.NaN).buffer));
    const from = await loadResumeCheckpoint(resumeDir);
    const { error, events } = await failure(fit({ ...opts(), resume: { from, save: true } }));
    expect(error.message).toMatch(
      new RegExp(
        `^fit: non-finite weights \\(.+\\) in the resumed checkpoint ${ckpt}; training stopped, the last good checkpoint is kept$`,
      ),
    );
    expect(events.filter((e) => e.type === 'batchEnd')).toEqual([]);
    expect((await loadResumeCheckpoint(resumeDir))?.dir).toBe(ckpt);
  }, 60_000);
});

describe('metrics on NaN predictions', () => {
  it('AUC is NaN, never a perfect 1, when any score is NaN', () => {
    expect(rocAuc([0, 1, 0, 1], [Number.NaN, Number.NaN, Number.NaN, Number.NaN])).toBeNaN();
    expect(rocAuc([0, 1, 0, 1], [0.1, Number.NaN, 0.2, 0.9])).toBeNaN();
    expect(rocAuc([0, 1, 0, 1], [0.1, 0.8, 0.2, 0.9])).toBe(1);
  });

  it('binary and multi-class accuracy, AUC and loss are NaN with NaN predictions', () => {
    const m = binaryMetrics([0, 1, 0, 1], [Number.NaN, 0.9, 0.1, 0.8]);
    expect([m.loss, m.acc, m.auc, m.sensitivity, m.specificity]).toEqual([NaN, NaN, NaN, NaN, NaN]);
    expect(m.n).toBe(4);
    const k = multiclassMetrics(
      [0, 1, 2],
      [
        [Number.NaN, Number.NaN, Number.NaN],
        [0, 1, 0],
        [0, 0, 1],
      ],
      3,
    );
    expect([k.loss, k.acc, k.auc]).toEqual([NaN, NaN, NaN]);
  });
});

describe('JSON errors name their file', () => {
  it('a corrupt state.json of a resume checkpoint', async () => {
    const resumeDir = join(dir, 'corrupt-resume');
    const ckpt = join(resumeDir, 'epoch-0001');
    await saveModel(tinyModel(), join(ckpt, 'model'));
    await writeFile(join(ckpt, 'state.json'), '{"format": "ct3d-res');
    await expect(loadResumeCheckpoint(resumeDir)).rejects.toThrow(
      `${join(ckpt, 'state.json')}: invalid JSON (Unterminated string in JSON at position 20`,
    );
  });

  it('a corrupt model.json of a checkpoint', async () => {
    const modelDir = join(dir, 'corrupt-model');
    await saveModel(tinyModel(), modelDir);
    const text = await readFile(join(modelDir, MODEL_JSON), 'utf8');
    await writeFile(join(modelDir, MODEL_JSON), text.slice(0, 19));
    const { readModelWeights } = await import('./run-folder/resume-files.js');
    await expect(readModelWeights(modelDir)).rejects.toThrow(`${join(modelDir, MODEL_JSON)}: invalid JSON (`);
  });
});
