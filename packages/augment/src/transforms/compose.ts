import type { Rng, Volume } from '@ct3d/core';
import { processScan } from '@ct3d/preprocess';
import type { AnyTransform, Geometry, Transform } from './types.js';

/** A composed recipe stage: one function, run the same way by every caller. */
export interface Composed {
  readonly transforms: readonly AnyTransform[];
  /** True when any step draws random numbers (then `apply` needs an rng). */
  readonly random: boolean;
  /** Runs every step in order; `rng` is required when `random` is true. */
  apply(v: Volume, rng?: Rng): Volume;
}

/**
 * The seed's HU window -> quarter turn -> resize is run as preprocess's fused processScan: one pass, and bit
 * for bit what ingest always did (the three steps one after another agree to ~1e-16 before float32 rounding).
 */
function seedChain(t: readonly AnyTransform[], at: number): ((v: Volume) => Volume) | undefined {
  const [w, r, z] = [t[at], t[at + 1], t[at + 2]];
  if (w?.name !== 'ScaleIntensityRange' || r?.name !== 'Rotate90' || z?.name !== 'Resize') return undefined;
  const wp = w.params;
  const rp = r.params;
  const window = { min: wp.a_min as number, max: wp.a_max as number };
  const seedWindow = wp.b_min === 0 && wp.b_max === 1 && wp.clip === true;
  const seedTurn = rp.keep_size === true; // validated to k 1 in the (0, 1) plane
  if (!seedWindow || !seedTurn) return undefined;
  const size = z.params.spatial_size as [number, number, number];
  return (v) => processScan(v, { size, window });
}

/** Runs the transforms in order; random ones draw from the one rng, in order (seeded runs repeat exactly). */
export function compose(transforms: readonly AnyTransform[]): Composed {
  const steps: ((v: Volume, rng: Rng | undefined) => Volume)[] = [];
  for (let i = 0; i < transforms.length; i++) {
    const fused = seedChain(transforms, i);
    if (fused) {
      steps.push(fused);
      i += 2;
      continue;
    }
    const t = transforms[i];
    steps.push((v, rng) => {
      if (!t.random) return t.apply(v);
      if (!rng) throw new Error(`${t.name} is random: compose(...).apply needs an rng`);
      return t.apply(v, rng);
    });
  }
  return {
    transforms,
    random: transforms.some((t) => t.random),
    apply: (v, rng) => steps.reduce((x, step) => step(x, rng), v),
  };
}

/**
 * Maps an output of deterministic spatial transforms back onto the source grid (e.g. a heat map onto the
 * scan): the geometry of each step's input is replayed from `source`, then each inverse runs in reverse.
 * Intensity-only steps are skipped; a random step or a spatial one without an inverse is refused.
 */
export function invert(transforms: readonly AnyTransform[], v: Volume, source: Geometry): Volume {
  const befores: Geometry[] = [];
  let g = source;
  const spatial: Transform[] = [];
  for (const t of transforms) {
    if (t.random) throw new Error(`invert: ${t.name} is random and has no inverse`);
    if (!t.geometry) continue; // intensity only
    if (!t.inverse) throw new Error(`invert: ${t.name} ${JSON.stringify(t.params)} has no inverse`);
    befores.push(g);
    spatial.push(t);
    g = t.geometry(g);
  }
  let out = v;
  for (let i = spatial.length - 1; i >= 0; i--)
    out = (spatial[i].inverse as NonNullable<Transform['inverse']>)(out, befores[i]);
  return out;
}
