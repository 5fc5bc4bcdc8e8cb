/**
 * Validation metrics as pure functions over labels and probabilities (no tfjs): what `fit` reports each
 * epoch and `ct3d evaluate` prints, for use on predictions made anywhere.
 *
 * @module @ct3d/train/metrics
 */
export { type BinaryMetrics, binaryMetrics, type Confusion, rocAuc } from './metrics.js';
export { type ClassMetrics, type MulticlassMetrics, multiclassMetrics } from './multiclass-metrics.js';
export {
  brierScore,
  type OperatingPoint,
  type OperatingPoints,
  operatingPoints,
  type ReliabilityBin,
  reliabilityTable,
  sensitivityAtSpecificity,
  youdenThreshold,
} from './operating-points.js';
