export { identityAffine, type Volume, voxelCount } from './volume.js';
