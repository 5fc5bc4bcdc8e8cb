import type { Rng } from '@ct3d/core';
import { randomly, remapping, type TransformDef } from './make.js';
import { cropMap, remap } from './remap.js';

/** MONAI's centre crop start: max(n // 2 - roi // 2, 0); an roi larger than the axis keeps the axis. */
export function centreCropStart(shape: readonly number[], roi: readonly number[]): number[] {
  return [0, 1, 2].map((a) => Math.max(Math.floor(shape[a] / 2) - Math.floor(roi[a] / 2), 0));
}

function cropSize(shape: readonly number[], roi: readonly number[]): number[] {
  return [0, 1, 2].map((a) => Math.min(roi[a], shape[a]));
}

/** MONAI CenterSpatialCrop(roi_size): lossless on the kept voxels; the inverse zero-pads back. */
export const CenterSpatialCrop: TransformDef = {
  name: 'CenterSpatialCrop',
  create(p) {
    const roi = p.size3('roi_size');
    return remapping('CenterSpatialCrop', p.done(), (shape) =>
      cropMap(centreCropStart(shape, roi), cropSize(shape, roi)),
    );
  },
};

/** MONAI RandSpatialCrop(roi_size, random_center true, random_size false): start ~ rng.int(n - roi + 1) per axis. */
export const RandSpatialCrop: TransformDef = {
  name: 'RandSpatialCrop',
  create(p) {
    const roi = p.size3('roi_size');
    if (p.bool('random_size', false)) p.fail('random_size', 'true is not supported (batches need one shape)');
    const draw = (rng: Rng, v: { shape: readonly number[] }) => {
      const size = cropSize(v.shape, roi);
      return { start: size.map((s, a) => rng.int(v.shape[a] - s + 1)), size };
    };
    return randomly('RandSpatialCrop', p.done(), 1, draw, (v, c) => remap(v, cropMap(c.start, c.size)));
  },
};

/** MONAI SpatialPad(spatial_size, method symmetric, constant 0): pads each axis up to the size, never crops. */
export const SpatialPad: TransformDef = {
  name: 'SpatialPad',
  create(p) {
    const size = p.size3('spatial_size');
    p.oneOf('method', ['symmetric', 'end'], 'symmetric');
    const method = p.out.method;
    return remapping('SpatialPad', p.done(), (shape) => {
      const out = [0, 1, 2].map((a) => Math.max(size[a], shape[a]));
      const before = out.map((m, a) => (method === 'end' ? 0 : Math.floor((m - shape[a]) / 2)));
      return cropMap(
        before.map((b) => -b),
        out,
      );
    });
  },
};
