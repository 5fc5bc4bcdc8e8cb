// The fused seed model on the wasm backend (one Ct3dConvBlock kernel per conv+pool pair) against the same
// weights on cpu: forward output and every weight gradient within 1e-4 relative.
import { closeMismatch } from '@ct3d/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend.js';
import { disposeConvWorker } from '../kernels/wasm/threads.js';
import { CONV_BLOCK } from '../ops/index.js';
import { buildSeedModel } from '../seed-model.js';
import * as tf from '../tf.js';

function pseudoRandom(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

/**
 * Per element within atol + 1e-4 |expected|. The atol covers gradients that are zero in exact arithmetic (a
 * bias or beta whose shift the next batch norm removes where relu is active everywhere) and hold float noise
 * (~1e-8) that differs between backends.
 */
const TOL = { rtol: 1e-4, atol: 1e-6 };

const OPTS = { width: 16, height: 16, depth: 16, filters: [2, 3], denseUnits: 4, dropout: 0, seed: 11 };
const X = pseudoRandom(2 * 16 ** 3, 21);

interface Run {
  out: Float32Array;
  grads: Float32Array[];
}

/** Output (training mode) and loss gradients of a fresh model holding `weights`, on the current backend. */
function run(weights: Float32Array[]): Run {
  const model = buildSeedModel(OPTS);
  model.setWeights(weights.map((w, i) => tf.tensor(w, model.weights[i].shape as number[])));
  const x = tf.tensor5d(X, [2, 16, 16, 16, 1]);
  const y = tf.tensor2d([0, 1], [2, 1]);
  const out = (model.apply(x, { training: true }) as tf.Tensor).dataSync() as Float32Array;
  const loss = (): tf.Scalar =>
    tf.losses.logLoss(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar;
  const { grads } = tf.variableGrads(
    loss,
    model.trainableWeights.map((w) => w.read() as tf.Variable),
  );
  return { out, grads: model.trainableWeights.map((w) => grads[w.name].dataSync() as Float32Array) };
}

let weights: Float32Array[];
let cpu: Run;
beforeAll(async () => {
  await tf.setBackend('cpu');
  weights = buildSeedModel(OPTS)
    .getWeights()
    .map((w) => w.dataSync() as Float32Array);
  cpu = run(weights);
  await initBackend('wasm');
}, 60_000);
afterAll(async () => {
  await disposeConvWorker();
  await tf.setBackend('cpu');
});

describe('fused seed model on wasm', () => {
  it('runs the one-kernel conv block and matches cpu: output and gradients within 1e-4 relative', async () => {
    expect(tf.getBackend()).toBe('wasm');
    let wasm: Run | undefined;
    const profile = await tf.profile(() => {
      wasm = run(weights);
    });
    const kernels = new Set(profile.kernels.map((k) => k.name));
    expect(kernels.has(CONV_BLOCK)).toBe(true);
    expect(kernels.has('Conv3D')).toBe(false); // the forward conv never runs as a separate op
    if (!wasm) throw new Error('no wasm result');
    expect(closeMismatch(wasm.out, cpu.out, TOL)).toBeNull();
    expect(wasm.grads).toHaveLength(cpu.grads.length);
    wasm.grads.forEach((g, i) => {
      expect(closeMismatch(g, cpu.grads[i], TOL), `gradient ${i}`).toBeNull();
    });
  });
});
