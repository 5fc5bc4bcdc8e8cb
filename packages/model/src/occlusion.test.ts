// Occlusion sensitivity on a model whose answer is known: it reads one corner region of its input only.
import { identityAffine, type Volume } from '@ct3d/core';
import { describe, expect, it } from 'vitest';
import { explain } from './explain.js';
import { occlusionSensitivity, patchStarts } from './occlusion.js';
import { linearModel } from './test-linear-model.js';

const N = 8;
/** p = sigmoid(sum of the input over i, j, k in 5..7 - 13): a model that looks at that cube only. */
const cornerModel = () => linearModel(N, (i, j, k) => (i >= 5 && j >= 5 && k >= 5 ? 1 : 0), -13);

const ones = (): Volume => ({
  data: new Float32Array(N * N * N).fill(1),
  shape: [N, N, N],
  spacing: [1, 1, 1],
  affine: identityAffine(),
});
const inCube = (at: number) => {
  const [i, j, k] = [at % N, Math.floor(at / N) % N, Math.floor(at / (N * N))];
  return [i, j, k].every((x) => x >= 5);
};

describe('occlusionSensitivity', () => {
  it('patches cover the axis with MONAI-like strides, the last flush with the end', () => {
    expect(patchStarts(8, 4, 0.25)).toEqual([0, 3, 4]);
    expect(patchStarts(64, 16, 0.25)).toEqual([0, 12, 24, 36, 48]);
    expect(patchStarts(4, 16, 0.25)).toEqual([0]);
  });

  it('points at the region the model reads and is exactly 0 where no patch touches it', async () => {
    const model = cornerModel();
    const r = await occlusionSensitivity(model, ones(), { maskSize: 4 });
    expect(r.classIndex).toBe(1);
    expect(r.probability).toBeCloseTo(1 / (1 + Math.exp(-(27 - 13))), 6);
    const max = Math.max(...r.cam.data);
    expect(max).toBe(1);
    expect(inCube(r.cam.data.indexOf(max))).toBe(true);
    // Voxel (0, 0, 0) is covered only by the patch at 0..3 on each axis, which leaves the cube alone.
    expect(r.cam.data[0]).toBeLessThan(1e-12); // the same probability, up to rounding of the weighted mean
    // The map's mass sits in and next to the cube (patches reaching it): none in the far half of every axis.
    for (let at = 0; at < r.cam.data.length; at++) {
      const [i, j, k] = [at % N, Math.floor(at / N) % N, Math.floor(at / (N * N))];
      if (i < 3 || j < 3 || k < 3) expect(r.cam.data[at]).toBeLessThan(1e-12);
    }
    // The same through explain(); and Grad-CAM needs a feature-map layer this model has not.
    expect((await explain(model, ones(), { method: 'occlusion', maskSize: 4 })).cam.data).toEqual(r.cam.data);
    await expect(explain(model, ones(), { method: 'gradcam' })).rejects.toThrow(/no Conv3D layer/);
    model.dispose();
  });

  it('replaces whole patches by a value (MONAI modes: a number, mean_patch, mean_img), weighted alike', async () => {
    const model = cornerModel();
    const base = 1 / (1 + Math.exp(-(27 - 13)));
    // Zeros in the 4-voxel patches at 3 and 4 on each axis (they reach the cube) lower p; others leave it.
    const r = await occlusionSensitivity(model, ones(), { maskSize: 4, mode: 0 });
    expect(r.layer).toBe('patch 4 0');
    const max = Math.max(...r.cam.data);
    expect(max).toBe(1);
    expect(inCube(r.cam.data.indexOf(max))).toBe(true);
    // Voxel (0, 0, 0): only the patch at 0 covers it, a plain (unweighted) mean of one unchanged p.
    expect(r.cam.data[0]).toBe(0);
    // Voxel (7, 7, 7): only the patch at 4 covers it, which zeroes the whole cube: the largest drop there is
    // (base - sigmoid(-13)), which the map is scaled by.
    expect(r.cam.data[7 + N * (7 + N * 7)]).toBe(1);
    // Voxel (7, 7, 3): the patches at 0 and 3 on the last axis (4 at 4 on the first two): zeroing the cube's
    // k = 5, 6 rows (sum 27 - 3 * 3 * 2) or nothing of it, a plain mean of the two.
    const p = (sum: number) => 1 / (1 + Math.exp(-(sum - 13)));
    const drop = base - (p(27) + p(9)) / 2;
    expect(r.cam.data[7 + N * (7 + N * 3)]).toBeCloseTo(drop / (base - p(0)), 6);
    // activate: false maps the logit (sum - 13), which falls linearly: 0 and 18 at (7, 7, 3), of 27 at most.
    const logit = await occlusionSensitivity(model, ones(), { maskSize: 4, mode: 0, activate: false });
    expect(logit.layer).toBe('patch 4 0 logit');
    expect(logit.probability).toBeCloseTo(base, 6);
    expect(logit.cam.data[7 + N * (7 + N * 3)]).toBeCloseTo(9 / 27, 6);
    expect(logit.cam.data[7 + N * (7 + N * 7)]).toBe(1);
    // On a constant image the image's and the patch's mean are the image itself: nothing changes, all 0.
    for (const mode of ['mean_patch', 'mean_img', 1] as const) {
      const same = await occlusionSensitivity(model, ones(), { maskSize: 4, mode });
      expect(Math.max(...same.cam.data)).toBe(0);
    }
    model.dispose();
  });
});
