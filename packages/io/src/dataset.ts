// @ct3d/io/dataset: MosMedData-style class folders (CT-0, CT-23, ...) and the class maps (Node only).
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
  type DiscoverOptions,
  discoverScans,
  mergedClassName,
  parseClassMap,
  type ScanEntry,
  type ScanList,
} from './discover.js';
