import type { Volume } from './volume.js';

/**
 * Transposes a Volume (NIfTI order, i fastest) into the model's [w][h][d] layout with depth fastest
 * (numpy C order of the seed's (w,h,d) array; the trailing channel axis has size 1).
 * out[(i * ny + j) * nz + k] = data[i + nx * (j + ny * k)].
 */
export function toChannelsLast(v: Volume): Float32Array {
  const [nx, ny, nz] = v.shape;
  const src = v.data;
  if (src.length !== nx * ny * nz) {
    throw new Error(`toChannelsLast: data length ${src.length} does not match shape ${nx}x${ny}x${nz}`);
  }
  const out = new Float32Array(src.length);
  const plane = nx * ny;
  // Read each k-plane sequentially and scatter with stride nz: one sequential stream, one strided.
  for (let k = 0; k < nz; k++) {
    const base = k * plane;
    for (let j = 0; j < ny; j++) {
      const row = base + nx * j;
      let o = j * nz + k;
      const step = ny * nz;
      for (let i = 0; i < nx; i++) {
        out[o] = src[row + i];
        o += step;
      }
    }
  }
  return out;
}
