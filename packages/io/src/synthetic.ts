import type { Volume } from '@ct3d/core';
import { createRng, mixSeed } from '@ct3d/core';
import { sampleAnatomy } from './synthetic/anatomy.js';
import { familyRanges, type SyntheticFamily } from './synthetic/families.js';
import { sampleOpacities } from './synthetic/opacities.js';
import { renderSlice } from './synthetic/render-slice.js';

/** Options of synthesizeChestCT. */
export interface SynthesizeOptions {
  /** In-plane size (width = height), e.g. 512 like MosMedData. */
  size: number;
  /** Number of 8 mm slices. */
  slices: number;
  /** Adds ground-glass opacities (the CT-23 class). */
  abnormal: boolean;
  seed: number;
  /** Body shapes and lesions to draw from (default 'standard'; see SYNTHETIC_FAMILIES). */
  family?: SyntheticFamily;
}

const NOISE_TABLE_BITS = 16;

/** A table of N(0, sigma) samples; voxels index it with a fast xorshift instead of calling log/cos each. */
function noiseTable(seed: number, sigma: number): Float32Array {
  const rng = createRng(seed);
  const table = new Float32Array(1 << NOISE_TABLE_BITS);
  for (let i = 0; i < table.length; i++) table[i] = rng.normal() * sigma;
  return table;
}

/** data[base + i] = round(slice[i] + noise); a separate small function so V8 optimises it fully. */
function addNoiseRounded(
  slice: Float32Array,
  table: Float32Array,
  data: Float32Array,
  base: number,
  state: number,
) {
  const mask = table.length - 1;
  for (let i = 0; i < slice.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    // floor(x + 0.5) rounds like Math.round and is much faster in this loop on V8.
    data[base + i] = Math.floor(slice[i] + table[(state >>> 8) & mask] + 0.5);
  }
  return state;
}

/**
 * A synthetic chest CT in Hounsfield units (integer values in a Float32Array), laid out like MosMedData:
 * LAS orientation, ~0.7 mm pixels at size 512, 8 mm slices. Deterministic per seed.
 */
export function synthesizeChestCT(opts: SynthesizeOptions): Volume {
  return synthesizeWithMask(opts).scan;
}

/**
 * synthesizeChestCT's scan and its lesion mask: 1 where a ground-glass opacity was drawn, else 0 (all 0 for
 * a normal scan), same shape and affine.
 */
export function synthesizeWithMask(opts: SynthesizeOptions): { scan: Volume; mask: Volume } {
  const { size: n, slices: nz } = opts;
  if (!Number.isInteger(n) || n < 8 || !Number.isInteger(nz) || nz < 1) {
    throw new RangeError(`synthesizeChestCT: size must be an integer >= 8 and slices >= 1 (got ${n}, ${nz})`);
  }
  const ranges = familyRanges(opts.family);
  const { anatomy: a, rng } = sampleAnatomy(opts.seed, n, nz, ranges);
  // Opacities use their own stream, so one seed gives the same anatomy and noise in both classes.
  if (opts.abnormal) a.opacities = sampleOpacities(a, mixSeed(opts.seed, 23), ranges);
  const table = noiseTable(rng.int(2 ** 31), a.noiseSigma);
  let state = rng.int(2 ** 31) | 1;
  const data = new Float32Array(n * n * nz);
  const slice = new Float32Array(n * n);
  const lung = new Uint8Array(n * n);
  const lesions = new Uint8Array(n * n);
  const mask = new Float32Array(n * n * nz);
  for (let k = 0; k < nz; k++) {
    lesions.fill(0);
    renderSlice(a, k, slice, lung, lesions);
    state = addNoiseRounded(slice, table, data, k * n * n, state);
    mask.set(lesions, k * n * n);
  }
  const [sx, sy, sz] = [a.pixelMm, a.pixelMm, a.sliceMm];
  // LAS like MosMedData: i runs to the patient's left (x decreases), j anterior, k superior.
  const affine = [
    [-sx, 0, 0, (sx * (n - 1)) / 2],
    [0, sy, 0, (-sy * (n - 1)) / 2],
    [0, 0, sz, (-sz * (nz - 1)) / 2],
    [0, 0, 0, 1],
  ];
  const spacing: [number, number, number] = [sx, sy, sz];
  return {
    scan: { data, shape: [n, n, nz], spacing, affine },
    mask: { data: mask, shape: [n, n, nz], spacing: [...spacing], affine: affine.map((r) => [...r]) },
  };
}
