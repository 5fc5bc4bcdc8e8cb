// The benchmark's model: the product's buildSeedModel (packages/model), compiled like the trainer compiles it.
//   ours:  fused ConvPool3D layers (our conv+bias+relu GEMM kernel, our pooling), our batch-norm kernels,
//          FusedAdamOptimizer (CT3D_ADAM=stock: tfjs's Adam; CT3D_WEBGPU_BN=plain: the plain-op batch norm);
//   stock: buildSeedModel({fused: false}) (tfjs-layers Conv3D + MaxPooling3D), the stock tfjs-webgpu kernels
//          (restoreStockWebGPUKernels also unregisters our ops' kernels, batch norm included), tfjs's Adam.
import { FusedAdamOptimizer } from '../../packages/model/src/optimizers/fused-adam.js';
import { buildSeedModel } from '../../packages/model/src/seed-model.js';
import * as tf from '../../packages/model/src/tf.js';

export type Kernels = 'ours' | 'stock';

export function buildBenchModel(w: number, h: number, d: number, kernels: Kernels): tf.LayersModel {
  const model = buildSeedModel({ width: w, height: h, depth: d, seed: 1, fused: kernels === 'ours' });
  const fusedAdam = kernels === 'ours' && process.env.CT3D_ADAM !== 'stock';
  const optimizer = fusedAdam ? new FusedAdamOptimizer(1e-4, 0.9, 0.999, 1e-7) : tf.train.adam(1e-4);
  model.compile({ optimizer, loss: 'binaryCrossentropy' });
  return model;
}

export { tf };
