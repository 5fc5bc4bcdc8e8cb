// @ct3d/model: the seed 3D CNN in tfjs 4.22, its custom layers, backend selection and persistence.

export { BACKEND_NAMES, type BackendChoice, type BackendName, initBackend } from './backend.js';
export { verifyBackendGradients } from './backend-probe.js';
// Adam whose update is one WGSL kernel per variable on WebGPU (plain tfjs Adam elsewhere); import-safe anywhere.
export { FusedAdamOptimizer } from './kernels/webgpu/fused_adam.js';
export { BatchNormalization3D, type BatchNormalization3DArgs } from './layers/batch-normalization3d.js';
export {
  GlobalAveragePooling3D,
  type GlobalAveragePooling3DArgs,
} from './layers/global-average-pooling3d.js';
export { loadModel, MODEL_JSON, saveModel, WEIGHTS_BIN } from './persist.js';
export {
  blockOutputSide,
  buildSeedModel,
  minSideForBlocks,
  modelInputSize,
  SEED_FILTERS,
  type SeedModelOptions,
} from './seed-model.js';
export { countParams, formatBytes, formatShape, formatSummary, type ParamCounts } from './summary.js';
export * as tf from './tf.js';
