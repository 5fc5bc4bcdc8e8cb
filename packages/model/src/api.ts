// The API of @ct3d/model shared by Node (index.ts) and browsers (index.browser.ts).

export {
  BACKEND_NAMES,
  type BackendChoice,
  type BackendName,
  type BackendOptions,
  initBackend,
  WASM_FILES,
} from './backend.js';
export { verifyBackendGradients } from './backend-probe.js';
export {
  DEFAULT_EXPLANATION,
  EXPLAIN_METHODS,
  type ExplainMethod,
  type ExplainOptions,
  explain,
  interactiveExplanation,
  MAX_INTERACTIVE_OCCLUSION_WORK,
  type SaliencyMethod,
} from './explain.js';
export {
  featureLayers,
  type GradCamOptions,
  type GradCamResult,
  gradCam,
  lastConvIndex,
  upsampleToVolume,
} from './gradcam.js';
// Threads of the wasm conv kernels (1, or 2 = a worker thread takes half the batch); import-safe anywhere.
export { getConvThreads, setConvThreads } from './kernels/wasm/threads.js';
export { BatchNormalization3D, type BatchNormalization3DArgs } from './layers/batch-normalization3d.js';
export { ConvPool3D, type ConvPool3DArgs, conv3dBiasReluPool } from './layers/conv-pool3d.js';
export {
  GlobalAveragePooling3D,
  type GlobalAveragePooling3DArgs,
} from './layers/global-average-pooling3d.js';
export {
  type DropoutStep,
  SeededDropout,
  type SeededDropoutArgs,
  setDropoutStep,
} from './layers/seeded-dropout.js';
export { modelFileBytes, modelFromBytes } from './model-bytes.js';
export { type OcclusionMode, type OcclusionOptions, occlusionSensitivity, patchStarts } from './occlusion.js';
// Adam whose update is the adamUpdate op (one WGSL kernel per variable on WebGPU, plain tfjs Adam elsewhere);
// snapshot()/restore() save and restore its whole state. Import-safe anywhere.
export { ADAM_UPDATE } from './ops/adam-update.js';
export { type AdamSnapshot, FusedAdamOptimizer } from './optimizers/fused-adam.js';
export {
  type InputBatch,
  type PreciseBatchNormOptions,
  type PreciseBatchNormResult,
  recomputeBatchNormStatistics,
} from './precise-batchnorm.js';
export { type SaliencyOptions, saliency } from './saliency.js';
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
