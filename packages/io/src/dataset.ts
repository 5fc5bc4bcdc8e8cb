// @ct3d/io/dataset: MosMedData-style class folders (CT-0, CT-23, ...) of NIfTI files or DICOM series, the class
// maps, and labels from a CSV (Node only).
export {
  applyClassPreset,
  CLASS_PRESETS,
  type ClassMapping,
  type ClassPreset,
  type ClassPresetName,
  isClassPreset,
  resolveClassMapping,
} from './class-presets.js';
export { type CsvRow, type CsvTable, readCsvRows, splitCsvLine } from './csv-rows.js';
export {
  classNamesOf,
  DEFAULT_CLASSES,
  type DiscoverOptions,
  discoverScans,
  listDatasetFiles,
  mergedClassName,
  parseClassMap,
  type ScanEntry,
  type ScanList,
} from './discover.js';
export { type DicomScanSource, type FoundSeries, findDicomSeries } from './discover-dicom.js';
export { discoverLabelledScans, type LabelRow, parseLabelsCsv } from './labels-csv.js';
