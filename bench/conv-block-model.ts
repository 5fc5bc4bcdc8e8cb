// The seed model with each Conv3D(relu) -> MaxPool3D pair as one ConvBlock3D layer calling the fused
// conv3dBiasReluPool op (same weights, same math, same parameter count). At 128x128x64, batch 2, the
// stock layer pair does not fit the 4 GiB wasm heap under autodiff; this is what the model would need.
import { BatchNormalization3D, GlobalAveragePooling3D, tf } from '../packages/model/src/index.js';
import { conv3dBiasReluPool } from '../packages/model/src/kernels/wasm/index.js';

class ConvBlock3D extends tf.layers.Layer {
  static className = 'ConvBlock3D';
  private kernel?: tf.LayerVariable;
  private bias?: tf.LayerVariable;

  constructor(
    private readonly filters: number,
    private readonly seed: number,
  ) {
    super({});
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = inputShape as tf.Shape;
    const init = tf.initializers.glorotUniform({ seed: this.seed });
    this.kernel = this.addWeight('kernel', [3, 3, 3, shape[4] as number, this.filters], 'float32', init);
    this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = inputShape as number[];
    return [s[0], ...[1, 2, 3].map((k) => Math.floor((s[k] - 2) / 2)), this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor5D;
    return tf.tidy(() =>
      conv3dBiasReluPool(x, this.kernel!.read() as tf.Tensor5D, this.bias!.read() as tf.Tensor1D),
    );
  }
}

export function buildFusedSeedModel(w: number, h: number, d: number, seed = 1): tf.LayersModel {
  const inputs = tf.input({ shape: [w, h, d, 1] });
  let x: tf.SymbolicTensor = inputs;
  [64, 64, 128, 256].forEach((f, i) => {
    x = new ConvBlock3D(f, seed + i).apply(x) as tf.SymbolicTensor;
    x = new BatchNormalization3D({}).apply(x) as tf.SymbolicTensor;
  });
  x = new GlobalAveragePooling3D({}).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 512, activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ rate: 0.3 }).apply(x) as tf.SymbolicTensor;
  const outputs = tf.layers.dense({ units: 1, activation: 'sigmoid' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs, outputs });
}
