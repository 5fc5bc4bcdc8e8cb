import * as tf from '../tf.js';
import { type CallKwargs, defaultLayerName, type LayerArgs, type LayerConfig } from './types.js';

/** Arguments of the GlobalAveragePooling3D layer. */
export interface GlobalAveragePooling3DArgs extends LayerArgs {
  /** Only 'channelsLast' ([b, w, h, d, c]) is supported, as in the seed. */
  dataFormat?: 'channelsLast';
}

/** Keras GlobalAveragePooling3D (channels-last): mean over the three spatial axes, [b,w,h,d,c] -> [b,c]. */
export class GlobalAveragePooling3D extends tf.layers.Layer {
  static className = 'GlobalAveragePooling3D';

  constructor(args: GlobalAveragePooling3DArgs = {}) {
    if (args.dataFormat !== undefined && args.dataFormat !== 'channelsLast') {
      throw new Error(`GlobalAveragePooling3D: dataFormat '${String(args.dataFormat)}' is not supported`);
    }
    super({ ...args, name: args.name ?? defaultLayerName('global_average_pooling3d') });
    this.inputSpec = [new tf.InputSpec({ ndim: 5 })];
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = singleShape(inputShape, this.name);
    return [shape[0], shape[4]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: CallKwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.mean(x, [1, 2, 3]);
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), dataFormat: 'channelsLast' };
  }
}

/** The one rank-5 shape a single-input layer receives. */
export function singleShape(inputShape: tf.Shape | tf.Shape[], layer: string): tf.Shape {
  const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
  if (shape.length !== 5) {
    throw new Error(
      `${layer}: expected a rank-5 input [batch, w, h, d, channels], got [${shape.join(', ')}]`,
    );
  }
  return shape;
}

tf.serialization.registerClass(GlobalAveragePooling3D);
