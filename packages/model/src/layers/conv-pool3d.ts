// The seed's Conv3D(relu, valid) -> MaxPooling3D pair as one layer calling one fused op. Under autodiff
// tfjs keeps every intermediate of a step until backprop ends; as separate layers the first block of the
// seed at 128x128x64, batch 2 holds several 481 MiB conv-sized tensors and the step does not fit the 4 GiB
// wasm heap. The fused wasm op keeps only the pooled output (plus window indices). Weights, initializers
// and names are Keras' (conv3d/kernel [k,k,k,in,filters] glorot_uniform, conv3d/bias zeros), and the
// summary shows the pair as its two Keras rows.
// The op dispatches through the tfjs kernel registry (ops/dispatch.ts): wasm's one-kernel block once
// initBackend('wasm') has registered it, else the conv+bias+relu op (webgpu's fused kernel) and maxPool3d.
import { conv3dBiasReluPool } from '../ops/conv3d-bias-relu-pool.js';
import * as tf from '../tf.js';
import { singleShape } from './global-average-pooling3d.js';
import { defaultLayerName, type LayerArgs, type LayerConfig } from './types.js';

/** Arguments of the ConvPool3D layer. */
export interface ConvPool3DArgs extends LayerArgs {
  /** Output channels of the convolution. */
  filters: number;
  /** Cubic convolution kernel side (default 3, the seed). Stride 1, valid padding. */
  kernelSize?: number;
  /** Cubic max-pool window and stride (default 2, the seed). Valid padding. */
  poolSize?: number;
  /** Seed of the kernel's glorot_uniform initializer (default: random). */
  seed?: number;
  /** Keras name of the pooling half, shown in the summary (default max_pooling3d, max_pooling3d_1, ...). */
  poolName?: string;
}

/** One row of the Keras summary for a layer that stands for several Keras layers. */
export interface KerasRow {
  name: string;
  className: string;
  outputShape: tf.Shape;
  params: number;
}

export { conv3dBiasReluPool };

const side = (n: number | null, size: number): number | null => (n == null ? null : n - size + 1);
const pooled = (n: number | null, pool: number): number | null => (n == null ? null : Math.floor(n / pool));

/** Keras Conv3D(filters, kernelSize, activation='relu') followed by MaxPooling3D(poolSize), fused. */
export class ConvPool3D extends tf.layers.Layer {
  static className = 'ConvPool3D';
  readonly filters: number;
  readonly kernelSize: number;
  readonly poolSize: number;
  readonly seed?: number;
  readonly poolName: string;
  private kernel?: tf.LayerVariable;
  private bias?: tf.LayerVariable;
  private builtShape?: tf.Shape;

  constructor(args: ConvPool3DArgs) {
    super({ ...args, name: args.name ?? defaultLayerName('conv3d') });
    this.filters = args.filters;
    this.kernelSize = args.kernelSize ?? 3;
    this.poolSize = args.poolSize ?? 2;
    this.seed = args.seed;
    this.poolName = args.poolName ?? defaultLayerName('max_pooling3d');
    for (const [key, v] of Object.entries({ filters: this.filters, kernelSize: this.kernelSize })) {
      if (!Number.isInteger(v) || v < 1)
        throw new Error(`${this.name}: ${key} must be a positive integer, got ${v}`);
    }
    if (!Number.isInteger(this.poolSize) || this.poolSize < 1) {
      throw new Error(`${this.name}: poolSize must be a positive integer, got ${this.poolSize}`);
    }
    this.inputSpec = [new tf.InputSpec({ ndim: 5 })];
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    this.builtShape = singleShape(inputShape, this.name);
    const channels = this.builtShape[4];
    if (channels == null) throw new Error(`${this.name}: the channel dimension must be known`);
    this.inputSpec = [new tf.InputSpec({ ndim: 5, axes: { 4: channels } })];
    const k = this.kernelSize;
    const init = tf.initializers.glorotUniform(this.seed === undefined ? {} : { seed: this.seed });
    this.kernel = this.addWeight('kernel', [k, k, k, channels, this.filters], 'float32', init);
    this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  /** Shape of the (never materialized on wasm) conv output: [b, w-k+1, h-k+1, d-k+1, filters]. */
  convOutputShape(inputShape: tf.Shape): tf.Shape {
    const s = singleShape(inputShape, this.name);
    return [s[0], ...[1, 2, 3].map((i) => side(s[i], this.kernelSize)), this.filters];
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const conv = this.convOutputShape(singleShape(inputShape, this.name));
    return [conv[0], ...[1, 2, 3].map((i) => pooled(conv[i], this.poolSize)), this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (x.rank !== 5) throw new Error(`${this.name}: expected a rank-5 input, got rank ${x.rank}`);
    const { kernel, bias } = this;
    if (!kernel || !bias) throw new Error(`${this.name}: layer is not built`);
    return tf.tidy(() =>
      conv3dBiasReluPool(
        x as tf.Tensor5D,
        kernel.read() as tf.Tensor5D,
        bias.read() as tf.Tensor1D,
        this.poolSize,
      ),
    );
  }

  /** The two Keras layers this one stands for, as model.summary() lists them. */
  kerasRows(): KerasRow[] {
    const input = this.builtShape;
    if (!input) throw new Error(`${this.name}: layer is not built`);
    return [
      {
        name: this.name,
        className: 'Conv3D',
        outputShape: this.convOutputShape(input),
        params: this.countParams(),
      },
      {
        name: this.poolName,
        className: 'MaxPooling3D',
        outputShape: this.computeOutputShape(input),
        params: 0,
      },
    ];
  }

  override getConfig(): LayerConfig {
    const config: LayerConfig = {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      poolSize: this.poolSize,
      // Nested under 'name': tfjs' loader camel-cases plain string values ('max_pooling3d' -> 'maxPooling3d').
      poolLayer: { name: this.poolName },
    };
    if (this.seed !== undefined) config.seed = this.seed;
    return config;
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const { poolLayer, ...rest } = config;
    const poolName = (poolLayer as { name?: string } | null)?.name;
    return new cls({ ...rest, poolName });
  }
}

tf.serialization.registerClass(ConvPool3D);
