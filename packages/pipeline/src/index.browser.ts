// @ct3d/pipeline/browser: the parts of the pipeline a browser tab runs (no worker threads, no files): the
// per-scan preprocessing ingest runs, one training item's augmentation, and the training batches' order.
export {
  type Batch,
  type BatchItem,
  balancedOrder,
  epochOrder,
  type ItemBatchesOptions,
  type ItemLoader,
  itemBatches,
  itemSeed,
} from './batch-stream.js';
export { cachedVolume, prepareItem } from './prepare-item.js';
export {
  describeError,
  type ProcessedScan,
  processBytes,
  processDicomBytes,
  type ScanSettings,
} from './scan-work.js';
export type { Shape3 } from './tasks.js';
