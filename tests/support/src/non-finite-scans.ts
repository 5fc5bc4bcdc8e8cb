// Scans a diagnosis must refuse: voxels that are not all finite (ingest and preprocess warn about them).
import { identityAffine, type Volume } from '@ct3d/core';

export interface NonFiniteScan {
  name: string;
  bytes: Uint8Array;
  /** NaN/Inf voxels once decoded, of `voxels`, and that share in percent as the error prints it. */
  nonFinite: number;
  voxels: number;
  percent: number;
}

/**
 * An all-NaN scan, one with a single +Inf voxel, and one of finite float32 values that a huge scl_slope
 * (1e38) makes infinite for half its voxels. `encode` is @ct3d/io's encodeNifti (this package needs only core).
 */
export function nonFiniteScans(
  encode: (volume: Volume) => Uint8Array,
  shape: [number, number, number] = [8, 8, 6],
): NonFiniteScan[] {
  const voxels = shape[0] * shape[1] * shape[2];
  const scan = (data: Float32Array) => encode({ data, shape, spacing: [1, 1, 1], affine: identityAffine() });
  const inf = new Float32Array(voxels).fill(-1000);
  inf[5] = Number.POSITIVE_INFINITY;
  const sloped = scan(new Float32Array(voxels).map((_, i) => (i % 2 === 0 ? 100 : 0)));
  new DataView(sloped.buffer, sloped.byteOffset).setFloat32(112, 1e38, true); // scl_slope: 100 x 1e38 = Inf
  const percent = (n: number) => Number(((100 * n) / voxels).toPrecision(2));
  return [
    { name: 'all-nan.nii', bytes: scan(new Float32Array(voxels).fill(Number.NaN)), nonFinite: voxels },
    { name: 'one-inf.nii', bytes: scan(inf), nonFinite: 1 },
    { name: 'huge-slope.nii', bytes: sloped, nonFinite: Math.ceil(voxels / 2) },
  ].map((s) => ({ ...s, voxels, percent: percent(s.nonFinite) }));
}
