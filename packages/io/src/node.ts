// @ct3d/io/node: NIfTI files on disk (Node only). Writes are atomic: a temp file, then a rename.
export { writeFileAtomic } from './atomic-write.js';
export { readNifti, readRegularFile } from './nifti-read.js';
export { writeNifti } from './nifti-write.js';
