import { createRng, type Rng } from '@ct3d/core';
import type { Anatomy } from './anatomy-types.js';
import type { FamilyRanges } from './families.js';
import { growVesselTrees } from './vessels.js';

/** HU values of the tissues drawn (before noise). */
export const HU = {
  air: -1000,
  fat: -100,
  soft: 40,
  liver: 60,
  blood: 45,
  lung: -850,
  boneCortex: 700,
  boneMarrow: 250,
} as const;

export type { Anatomy, Opacity } from './anatomy-types.js';

/** Relative lung size along the body axis: 0 below the diaphragm, widest low-mid chest, narrow at the apex. */
export function lungScale(t: number): number {
  const base = Math.sqrt(Math.min(1, Math.max(0, (t - 0.03) / 0.17)));
  const dome = 1 - ((t - 0.4) / 0.72) ** 2;
  return dome > 0 ? base * Math.sqrt(dome) : 0;
}

/** Draws one scan's anatomy (no opacities yet) of family `f` from `seed`; `rng` continues the same stream. */
export function sampleAnatomy(
  seed: number,
  n: number,
  nz: number,
  f: FamilyRanges,
): { anatomy: Anatomy; rng: Rng } {
  const rng = createRng(seed);
  const fovMm = rng.uniform(...f.fovMm);
  const a: Anatomy = {
    n,
    nz,
    pixelMm: fovMm / n,
    sliceMm: 8,
    cx: n * (0.5 + rng.uniform(-0.02, 0.02)),
    cy: n * (0.5 + rng.uniform(-0.02, 0.02)),
    bodyA: n * rng.uniform(...f.bodyA),
    bodyB: n * rng.uniform(...f.bodyB),
    fatRim: rng.uniform(...f.fatRim),
    lungDx: n * rng.uniform(...f.lungDx),
    lungA: n * rng.uniform(...f.lungA),
    lungB: n * rng.uniform(...f.lungB),
    dependentHU: rng.uniform(20, 70),
    ribsPerSide: 5 + rng.int(3),
    ribPhase: rng.uniform(0, 1),
    jitter: new Float32Array(nz * 2).map(() => rng.uniform(-0.004, 0.004) * n),
    vessels: [],
    opacities: [],
    atelectasisHU: rng.next() < 0.35 ? rng.uniform(150, 300) : 0,
    noiseSigma: rng.uniform(...f.noiseSigma),
  };
  a.vessels = growVesselTrees(a, rng);
  return { anatomy: a, rng };
}
