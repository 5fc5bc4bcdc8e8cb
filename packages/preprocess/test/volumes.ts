import { identityAffine, type Volume } from '@ct3d/core';
import { readF32 } from './golden.js';
import { decodeFixtureNifti } from './nifti.js';

export function volumeOf(data: Float32Array, shape: [number, number, number]): Volume {
  return { data, shape, spacing: [1, 1, 1], affine: identityAffine() };
}

/** A golden input NIfTI decoded to HU (float64 values held in float32, as @ct3d/io does). */
export function goldenInput(file: string): Volume {
  const { data, shape } = decodeFixtureNifti(file);
  return volumeOf(Float32Array.from(data), shape);
}

export function f32Volume(file: string, shape: [number, number, number]): Volume {
  return volumeOf(readF32(file, shape[0] * shape[1] * shape[2]), shape);
}

/** Deterministic pseudo-random HU volume (mulberry32) for property tests. */
export function randomHU(shape: [number, number, number], seed: number, lo = -1300, hi = 700): Volume {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const data = new Float32Array(shape[0] * shape[1] * shape[2]);
  for (let n = 0; n < data.length; n++) data[n] = Math.round(lo + (hi - lo) * next());
  return volumeOf(data, shape);
}
