export { crc32Update } from './crc32.js';
export {
  DATASET_SETS,
  type DatasetFile,
  datasetFileUrl,
  MOSMEDDATA_BASE_URL,
  MOSMEDDATA_FILES,
  selectDatasetFiles,
} from './datasets.js';
export {
  type FetchDatasetOptions,
  type FetchDatasetResult,
  type FetchEvent,
  type FetchedFile,
  fetchDataset,
} from './fetch-dataset.js';
export {
  DownloadError,
  type DownloadedFile,
  type DownloadFileOptions,
  downloadFile,
  sha256File,
} from './http-download.js';
export {
  type EntryOutcome,
  type ExtractLimits,
  type ExtractResult,
  type ExtractZipOptions,
  extractZip,
} from './zip-extract.js';
