// Grad-CAM and Grad-CAM++ maps against numbers worked out by hand.
import { describe, expect, it } from 'vitest';
import { gradCamMap, gradCamPlusPlusMap, minMaxNormalize } from './cam-maps.js';

// Two voxels, two channels: A[p][c], G[p][c].
const acts = Float32Array.from([1, 2, 3, 0.5]); // A0 = (1, 2), A1 = (3, 0.5)
const grads = Float32Array.from([0.5, -1, 1, 2]); // G0 = (0.5, -1), G1 = (1, 2)

describe('class activation maps', () => {
  it('Grad-CAM: mean gradient per channel weights the activations, then ReLU', () => {
    // w = (0.75, 0.5): voxel 0 = 0.75 + 1 = 1.75, voxel 1 = 2.25 + 0.25 = 2.5
    const map = gradCamMap(acts, grads, 2);
    expect(map[0]).toBeCloseTo(1.75, 6);
    expect(map[1]).toBeCloseTo(2.5, 6);
  });

  it('Grad-CAM++: alpha from G^2 and sum(A G^3), ReLU(exp(score) G)', () => {
    const score = 0.3;
    const e = Math.exp(score);
    // channel 0: sum A G^3 = 1*0.125 + 3*1 = 3.125; alpha(p0) = 0.25/(0.5+3.125), alpha(p1) = 1/(2+3.125)
    const w0 = (0.25 / (0.5 + 3.125 + 1e-7)) * e * 0.5 + (1 / (2 + 3.125 + 1e-7)) * e * 1;
    // channel 1: sum A G^3 = 2*(-1) + 0.5*8 = 2; p0's gradient is negative: ReLU drops it; alpha(p1) = 4/(8+2)
    const w1 = (4 / (8 + 2 + 1e-7)) * e * 2;
    const map = gradCamPlusPlusMap(acts, grads, 2, score);
    expect(map[0]).toBeCloseTo(Math.max(0, w0 * 1 + w1 * 2), 6);
    expect(map[1]).toBeCloseTo(Math.max(0, w0 * 3 + w1 * 0.5), 6);
    // A zero denominator counts as 1 (no division by zero): all-zero gradients give a zero map.
    expect([...gradCamPlusPlusMap(acts, new Float32Array(4), 2, 0)]).toEqual([0, 0]);
  });

  it('min-max normalises as MONAI does; a constant map is all 0', () => {
    expect([...minMaxNormalize(Float32Array.from([2, 4, 3]))]).toEqual([0, 1, 0.5]);
    expect([...minMaxNormalize(Float32Array.from([5, 5]))]).toEqual([0, 0]);
  });
});
