import { createRng } from '@ct3d/core';
import { describe, expect, it } from 'vitest';
import { randomUnit } from '../test/golden.js';
import { type PickRng, ROTATION_ANGLES, randomRotation, rotateInPlane } from './index.js';

/** Tiny deterministic rng with the Rng.pick shape: cycles through the choices and records them. */
function cyclingRng(): PickRng & { picked: number[] } {
  let n = 0;
  const picked: number[] = [];
  return {
    picked,
    pick<T>(a: readonly T[]): T {
      const x = a[n++ % a.length];
      picked.push(x as number);
      return x;
    },
  };
}

describe('randomRotation', () => {
  it("draws from the seed's angles", () => {
    expect(ROTATION_ANGLES).toEqual([-20, -10, -5, 5, 10, 20]);
    expect(Object.isFrozen(ROTATION_ANGLES)).toBe(true);
  });

  it('rotates by the picked angle with cubic splines by default', () => {
    const v = randomUnit([10, 10, 2], 3);
    const rng = cyclingRng();
    const outs = ROTATION_ANGLES.map(() => randomRotation(v, rng));
    expect(rng.picked).toEqual([...ROTATION_ANGLES]);
    outs.forEach((o, i) => {
      expect(o.data).toEqual(rotateInPlane(v, ROTATION_ANGLES[i], { order: 3 }).data);
    });
    expect(randomRotation(v, cyclingRng(), { order: 1 }).data).toEqual(
      rotateInPlane(v, -20, { order: 1 }).data,
    );
  });

  it('is reproducible with @ct3d/io createRng and uses several angles', () => {
    const v = randomUnit([8, 8, 1], 4);
    const a = createRng(7);
    const b = createRng(7);
    const seen = new Set<string>();
    for (let n = 0; n < 12; n++) {
      const x = randomRotation(v, a);
      expect(x.data).toEqual(randomRotation(v, b).data);
      seen.add(Array.from(x.data.subarray(0, 16)).join(','));
    }
    expect(seen.size).toBeGreaterThan(2);
  });
});
