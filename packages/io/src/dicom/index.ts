// @ct3d/io/dicom: DICOM CT series to the one Volume type, in memory. No Node APIs: it runs in a browser too.
// Parsing: dicom-parser. Codecs (loaded on first use): CharLS (JPEG-LS), OpenJPEG (JPEG 2000), libjpeg-turbo
// (JPEG baseline), jpeg-lossless-decoder-js (JPEG lossless), @cornerstonejs/dicom-codec (RLE); fflate (deflate).
// Files and folders on disk: '@ct3d/io/node' (readDicomFolder); a browser's File objects: readDicomBlobHeaders.
export { type DicomBlob, type DicomBlobSeries, readBlobSeries, readDicomBlobHeaders } from './blobs.js';
export { DICOM_WASM_FILES, setDicomWasmLocator } from './codecs.js';
export { DicomError } from './errors.js';
export { descriptionWithoutIdentity, IDENTIFYING_TAGS } from './identity.js';
export {
  type DicomInstance,
  type FrameGeometry,
  HEADER_PREFIX_BYTES,
  hasDicomMagic,
  parseDicomFile,
} from './instance.js';
export { type DicomSeries, groupSeries, type SkippedFile, safeDescription } from './series.js';
export { seriesScanPath } from './series-path.js';
export { TRANSFER_SYNTAXES, type TransferSyntax } from './transfer-syntax.js';
export { shortHash, uidHash } from './uid-hash.js';
export { type DicomVolume, readDicomSeries } from './volume.js';
