// @ct3d/io/node: NIfTI files and DICOM series on disk (Node only). Writes are atomic (@ct3d/core/node's writeFileAtomic).
export {
  type DicomFolder,
  hasDicomMagic,
  isDicomFile,
  readDicomFiles,
  readDicomFolder,
  readDicomHeaders,
  readDicomVolume,
} from './dicom-read.js';
export { dicomWasmFilePaths } from './dicom-wasm-files.js';
export { readNifti, readRegularFile } from './nifti-read.js';
export { writeNifti } from './nifti-write.js';
export { isDicomScan, readScan, type ScanVolume } from './scan-read.js';
