export { writeFileAtomic } from './atomic-write.js';
export {
  applyClassPreset,
  CLASS_PRESETS,
  type ClassMapping,
  type ClassPreset,
  type ClassPresetName,
  isClassPreset,
  resolveClassMapping,
} from './class-presets.js';
export {
  classNamesOf,
  DEFAULT_CLASSES,
  discoverScans,
  mergedClassName,
  parseClassMap,
  type ScanEntry,
  type ScanList,
} from './discover.js';
export * from './download/index.js';
export { type DatatypeName, SUPPORTED_DATATYPES } from './nifti-datatypes.js';
export { NiftiError } from './nifti-errors.js';
export type { NiftiHeader } from './nifti-header.js';
export {
  claimedNiftiSize,
  DEFAULT_MAX_BYTES,
  decodeNifti,
  describeNonFinite,
  MIN_SCAN_EXTENT,
  type NiftiVolume,
  type ReadNiftiOptions,
  readNifti,
  readRegularFile,
} from './nifti-read.js';
export { encodeNifti, type WriteNiftiOptions, writeNifti } from './nifti-write.js';
export { printable } from './printable.js';
export { createRng, mixSeed, type Rng } from './rng.js';
export { type SynthesizeOptions, synthesizeChestCT } from './synthetic.js';
export { type SyntheticDatasetOptions, writeSyntheticDataset } from './synthetic-dataset.js';
export { identityAffine, type Volume, voxelCount } from './volume.js';
