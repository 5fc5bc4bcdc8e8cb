// Gradient saliency on a model whose gradient is known: a linear model reading two corner cubes with weights
// 1 and -2.
import { identityAffine, type Volume } from '@ct3d/core';
import { describe, expect, it } from 'vitest';
import { explain } from './explain.js';
import { saliency } from './saliency.js';
import { linearModel } from './test-linear-model.js';

const N = 6;
/** logit = sum of the input over i, j, k in 3..5 minus 2 times the sum over 0..1: a known gradient. */
const linear = () =>
  linearModel(N, (i, j, k) => {
    if (i >= 3 && j >= 3 && k >= 3) return 1;
    return i < 2 && j < 2 && k < 2 ? -2 : 0;
  });

const volume = (): Volume => ({
  data: Float32Array.from({ length: N * N * N }, (_, n) => (n % 7) / 7),
  shape: [N, N, N],
  spacing: [1, 1, 1],
  affine: identityAffine(),
});
/** The map's expected value at Volume index n (i fastest): |gradient| scaled by its maximum, 2. */
const expected = (n: number) => {
  const [i, j, k] = [n % N, Math.floor(n / N) % N, Math.floor(n / (N * N))];
  if (i >= 3 && j >= 3 && k >= 3) return 0.5;
  return i < 2 && j < 2 && k < 2 ? 1 : 0;
};

describe('saliency', () => {
  it('is the magnitude of the logit gradient, in the Volume voxel order', async () => {
    const model = linear();
    const r = await saliency(model, volume());
    expect(r.classIndex).toBe(1);
    expect(r.layer).toBe('input');
    expect([...r.cam.data]).toEqual(Array.from({ length: N * N * N }, (_, n) => expected(n)));
    // Class 0's score is the negated logit: the same magnitude.
    expect([...(await saliency(model, volume(), { target: 0 })).cam.data]).toEqual([...r.cam.data]);
    model.dispose();
  });

  it('SmoothGrad of a linear model is its squared gradient, whatever the noise; seeded', async () => {
    const model = linear();
    const r = await explain(model, volume(), { method: 'smoothgrad', samples: 3 });
    expect(r.layer).toBe('input, 3 samples');
    // squared: 1 / 4 in the cube, 1 where the weight is -2
    const want = Array.from({ length: N * N * N }, (_, n) => expected(n) ** 2);
    for (const [n, x] of r.cam.data.entries()) expect(x).toBeCloseTo(want[n], 6);
    model.dispose();
  });
});
