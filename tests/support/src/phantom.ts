// A synthetic chest for tests that need a plausible CT-like volume.
import { identityAffine, toChannelsLast, type Volume } from '@ct3d/core';

/** A chest-like phantom in cache units (0..1 over -1000..400 HU): body ellipse, two dark lungs, a bright spine. */
export function phantom([nx, ny, nz]: [number, number, number], lesion: boolean): Float32Array {
  const v = new Float32Array(nx * ny * nz);
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        // The chest narrows towards both ends of the scan, so coronal and sagittal views are not flat.
        const taper = Math.sqrt(Math.max(0.05, 1 - ((k + 0.5) / nz - 0.5) ** 2 * 3));
        const x = ((i + 0.5) / nx - 0.5) / taper;
        const y = ((j + 0.5) / ny - 0.5) / taper;
        let hu = -1000;
        if ((x / 0.45) ** 2 + (y / 0.35) ** 2 < 1) hu = 40;
        if (((Math.abs(x) - 0.2) / 0.15) ** 2 + (y / 0.25) ** 2 < 1) hu = -850;
        if (lesion && ((x - 0.2) / 0.06) ** 2 + (y / 0.06) ** 2 < 1) hu = -300;
        if ((x / 0.05) ** 2 + ((y + 0.25) / 0.05) ** 2 < 1) hu = 400;
        v[i + nx * (j + ny * k)] = (hu + 1000) / 1400 - 0.02 * (k / nz);
      }
    }
  }
  return v;
}

/** Two batches of [normal, abnormal] phantoms (side^3) in the model's channels-last layout (a BatchLike). */
export function* phantomBatches(
  side: number,
): Generator<{ x: Float32Array; y: Float32Array; shape: number[]; ids: string[] }> {
  const n = side ** 3;
  for (let b = 0; b < 2; b++) {
    const x = new Float32Array(2 * n);
    [false, true].forEach((lesion, k) => {
      const shape: [number, number, number] = [side, side, side];
      const v: Volume = { data: phantom(shape, lesion), shape, spacing: [1, 1, 1], affine: identityAffine() };
      x.set(toChannelsLast(v), k * n);
    });
    yield {
      x,
      y: Float32Array.from([0, 1]),
      shape: [2, side, side, side, 1],
      ids: [`normal-${b}`, `abnormal-${b}`],
    };
  }
}
