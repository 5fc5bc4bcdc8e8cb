import type * as tf from '../tf.js';

/** Constructor arguments every tfjs layer accepts (name, trainable, inputShape, ...). */
export type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;
/** Keyword arguments of Layer.call (holds `training`). */
export type CallKwargs = Parameters<tf.layers.Layer['call']>[1];
/** A layer config as stored in model.json. */
export type LayerConfig = ReturnType<tf.layers.Layer['getConfig']>;

const counters = new Map<string, number>();

/**
 * Keras-style default layer names: "prefix", then "prefix_1", "prefix_2", ... (tfjs would give
 * "batch_normalization3_d_BatchNormalization3D1", which is not what the Keras summary shows).
 */
export function defaultLayerName(prefix: string): string {
  const n = counters.get(prefix) ?? 0;
  counters.set(prefix, n + 1);
  return n === 0 ? prefix : `${prefix}_${n}`;
}
