// @ct3d/core: what every ct3d package shares, with no dependencies and no Node APIs (runs in a browser).
export { assertVolume, invertAffine, matmul4 } from './affine.js';
export { toChannelsLast } from './layout.js';
export { printable } from './printable.js';
export { createRng, mixSeed, type Rng } from './rng.js';
export { type StoredVoxels, storedVoxels, withStoredVoxels } from './stored-voxels.js';
export { identityAffine, type Volume, voxelCount } from './volume.js';
