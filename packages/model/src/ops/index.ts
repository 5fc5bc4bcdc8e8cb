// The project's ops: each one kernel name, a dispatching function (the backend's kernel or a composite of
// plain tfjs ops, see dispatch.ts) and, for our own kernel names, the one gradient registered for the name
// when the op's module is imported. Backends only register kernels (kernels/wasm, kernels/webgpu).
import { registerGradientOnce } from './dispatch.js';
import { meanGradientConfig, sumGradientConfig } from './reduce-grad.js';
import { reluGradientConfig } from './relu-grad.js';

export { ADAM_UPDATE, type AdamOutput, type AdamScalars, adamUpdate } from './adam-update.js';
export {
  BATCH_NORM_APPLY,
  BATCH_NORM_GRAD,
  BATCH_NORM_MOMENTS,
  batchNormInference,
  batchNormTraining,
  channelMoments,
  MOVING_AVERAGE,
  movingAverageFromMoments,
  normalizeChannels,
} from './batch-norm.js';
export { CHANNEL_SUM, channelSum } from './channel-sum.js';
export { CONV3D_BIAS_RELU, conv3dBiasRelu } from './conv3d-bias-relu.js';
export {
  CONV_BLOCK,
  CONV_BLOCK_FILTER_GRAD,
  CONV_BLOCK_INPUT_GRAD,
  conv3dBiasReluPool,
} from './conv3d-bias-relu-pool.js';
export { activeKernel, dispatch, hasKernelFor, type OpKernelConfig } from './dispatch.js';
export { BROADCAST_REDUCED } from './reduce-grad.js';
export { RELU_GRAD, reluGrad } from './relu-grad.js';

/**
 * Replaces tfjs-core's Relu, Mean and Sum gradients by ours (through reluGrad and the broadcast op, so a
 * backend's kernel avoids a full-size temporary; the composites are tfjs's formulas). Called by each backend's
 * kernel registration; idempotent.
 */
export function registerGradientOverrides(): void {
  for (const config of [reluGradientConfig, meanGradientConfig, sumGradientConfig])
    registerGradientOnce(config);
}
