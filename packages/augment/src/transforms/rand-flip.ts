import { randomly, remapping, type TransformDef } from './make.js';
import { remap, type VoxelMap } from './remap.js';

/** Reverses the listed axes (numpy `flip`): lossless, its own inverse. */
export function flipMap(shape: readonly number[], axes: readonly number[]): VoxelMap {
  const flip = (a: number) => axes.includes(a);
  return {
    shape: [shape[0], shape[1], shape[2]],
    from: [0, 1, 2],
    step: [0, 1, 2].map((a) => (flip(a) ? -1 : 1)) as VoxelMap['step'],
    start: [0, 1, 2].map((a) => (flip(a) ? shape[a] - 1 : 0)) as VoxelMap['start'],
  };
}

/** MONAI Flip(spatial_axis): deterministic, lossless, its own inverse. */
export const Flip: TransformDef = {
  name: 'Flip',
  create(p) {
    const axes = p.axes('spatial_axis', [0, 1, 2]);
    return remapping('Flip', p.done(), (shape) => flipMap(shape, axes));
  },
};

/** MONAI RandFlip(prob 0.1, spatial_axis all): with probability prob, flips all the listed axes together. */
export const RandFlip: TransformDef = {
  name: 'RandFlip',
  create(p) {
    const prob = p.prob();
    const axes = p.axes('spatial_axis', [0, 1, 2]);
    return randomly(
      'RandFlip',
      p.done(),
      prob,
      () => axes,
      (v, a) => remap(v, flipMap(v.shape, a)),
    );
  },
};
