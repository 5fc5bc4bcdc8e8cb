// @ct3d/io/node: NIfTI files on disk (Node only). Writes are atomic (@ct3d/core/node's writeFileAtomic).
export { readNifti, readRegularFile } from './nifti-read.js';
export { writeNifti } from './nifti-write.js';
