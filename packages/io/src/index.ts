// @ct3d/io: NIfTI-1/2 decoding and encoding of bytes in memory. No Node APIs: it runs in a browser too.
// Files: '@ct3d/io/node'. MosMedData folders and class maps: '@ct3d/io/dataset'. Download: '@ct3d/io/download'.
// Synthetic chest CTs: '@ct3d/io/synthetic'. And labels CSV rows (`ct3d ingest --labels`'s), browser-safe.

export { crc32UpdateJs as crc32 } from './crc32-js.js';
export {
  assignLabels,
  type LabelCandidate,
  type LabelRow,
  labelRowMatches,
  parseLabelsCsv,
} from './labels-rows.js';
export { type DatatypeName, SUPPORTED_DATATYPES } from './nifti-datatypes.js';
export {
  claimedNiftiSize,
  DEFAULT_MAX_BYTES,
  decodeNifti,
  describeNonFinite,
  MIN_SCAN_EXTENT,
  type NiftiVolume,
  type ReadNiftiOptions,
} from './nifti-decode.js';
export { encodeNifti, type WriteNiftiOptions } from './nifti-encode.js';
export { NiftiError } from './nifti-errors.js';
export type { NiftiHeader } from './nifti-header.js';
export { type ZipFile, zipStore } from './zip-store.js';
