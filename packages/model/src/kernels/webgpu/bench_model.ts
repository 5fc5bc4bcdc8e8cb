// The seed 3D CNN (Keras example "3D image classification from CT scans"), built here so that the GPU
// benchmark needs nothing from the rest of the package. Same layers as ../shared/bench/torch_step.py.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { conv3dBiasRelu } from './fused.js';
import { FusedAdamOptimizer } from './fused_adam.js';

/** Mean over the three spatial axes: [b, d1, d2, d3, c] -> [b, c]. */
class GlobalAveragePooling3D extends tfl.layers.Layer {
  static className = 'BenchGlobalAveragePooling3D';
  override computeOutputShape(shape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const s = shape as tfl.Shape;
    return [s[0], s[4]];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.mean(x, [1, 2, 3]);
  }
}

/**
 * Batch normalization over the channel axis of rank-5 input (tfjs-layers supports rank <= 4). Training uses the
 * batch moments; the moving statistics are not updated here (they cost nothing measurable in a step).
 */
class BatchNorm5D extends tfl.layers.Layer {
  static className = 'BenchBatchNorm5D';
  private gamma?: tfl.LayerVariable;
  private beta?: tfl.LayerVariable;
  private movingMean?: tfl.LayerVariable;
  private movingVar?: tfl.LayerVariable;
  override build(shape: tfl.Shape | tfl.Shape[]): void {
    const c = (shape as tfl.Shape)[4] as number;
    this.gamma = this.addWeight('gamma', [c], 'float32', tfl.initializers.ones());
    this.beta = this.addWeight('beta', [c], 'float32', tfl.initializers.zeros());
    this.movingMean = this.addWeight(
      'moving_mean',
      [c],
      'float32',
      tfl.initializers.zeros(),
      undefined,
      false,
    );
    this.movingVar = this.addWeight(
      'moving_variance',
      [c],
      'float32',
      tfl.initializers.ones(),
      undefined,
      false,
    );
    this.built = true;
  }
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const stats = kwargs.training
        ? tf.moments(x, [0, 1, 2, 3])
        : { mean: this.movingMean?.read() as tf.Tensor, variance: this.movingVar?.read() as tf.Tensor };
      // Rank-5 operands: tfjs-webgpu's binary ops fail to compile a rank-5 x rank-1 broadcast (vec5 indexing).
      const c = x.shape[4] as number;
      const as5 = (t: tf.Tensor) => tf.reshape(t, [1, 1, 1, 1, c]);
      const scale = tf.mul(tf.rsqrt(tf.add(stats.variance, 1e-3)), this.gamma?.read() as tf.Tensor);
      return tf.add(tf.mul(tf.sub(x, as5(stats.mean)), as5(scale)), as5(this.beta?.read() as tf.Tensor));
    });
  }
}

/** Conv3D(filters, 3, activation relu) as one fused op (bias and ReLU in the convolution's epilogue). */
class FusedConv3D extends tfl.layers.Layer {
  static className = 'BenchFusedConv3D';
  private kernel?: tfl.LayerVariable;
  private bias?: tfl.LayerVariable;
  constructor(private readonly filters: number) {
    super({});
  }
  override build(shape: tfl.Shape | tfl.Shape[]): void {
    const c = (shape as tfl.Shape)[4] as number;
    this.kernel = this.addWeight(
      'kernel',
      [3, 3, 3, c, this.filters],
      'float32',
      tfl.initializers.glorotUniform({}),
    );
    this.bias = this.addWeight('bias', [this.filters], 'float32', tfl.initializers.zeros());
    this.built = true;
  }
  override computeOutputShape(shape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const s = shape as tfl.Shape;
    const o = (d: number | null) => (d === null ? null : d - 2);
    return [s[0], o(s[1]), o(s[2]), o(s[3]), this.filters];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor5D;
    return conv3dBiasRelu(x, this.kernel?.read() as tf.Tensor5D, this.bias?.read() as tf.Tensor1D);
  }
}

/** The seed model; `fused` uses conv3dBiasRelu for Conv3D + ReLU (our WebGPU kernels), else tfjs-layers' Conv3D. */
export function buildBenchSeedModel(
  width: number,
  height: number,
  depth: number,
  fused = false,
): tfl.LayersModel {
  const input = tfl.input({ shape: [width, height, depth, 1] });
  let x: tfl.SymbolicTensor = input;
  for (const filters of [64, 64, 128, 256]) {
    const conv = fused
      ? new FusedConv3D(filters)
      : tfl.layers.conv3d({ filters, kernelSize: 3, activation: 'relu' });
    x = conv.apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.maxPooling3d({ poolSize: 2 }).apply(x) as tfl.SymbolicTensor;
    x = new BatchNorm5D({}).apply(x) as tfl.SymbolicTensor;
  }
  x = new GlobalAveragePooling3D({}).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.dense({ units: 512, activation: 'relu' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.dropout({ rate: 0.3 }).apply(x) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 1, activation: 'sigmoid' }).apply(x) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: out });
  // ours: fused Adam (3 dispatches per variable, no scalar uploads); CT3D_ADAM=stock for tfjs's Adam (A/B).
  const fusedAdam = fused && process.env.CT3D_ADAM !== 'stock';
  const optimizer = fusedAdam ? new FusedAdamOptimizer(1e-4, 0.9, 0.999, 1e-7) : tf.train.adam(1e-4);
  model.compile({ optimizer, loss: 'binaryCrossentropy' });
  return model;
}

export { tf };
