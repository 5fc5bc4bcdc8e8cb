// Per-channel sum of a channels-last tensor (the bias gradient of a conv): one op so that a backend can sum
// without the transpose tf.sum makes (webgpu registers 'Ct3dChannelSum'); wasm's Sum kernel already does.
import * as tf from '../tf.js';
import { dispatch } from './dispatch.js';

export const CHANNEL_SUM = 'Ct3dChannelSum';

/** z [..., C] -> [C]: the sum over every axis but the last. */
export function channelSum(z: tf.Tensor): tf.Tensor1D {
  const c = z.shape[z.rank - 1];
  return dispatch(CHANNEL_SUM, { z }, {}, () => tf.sum(tf.reshape(z, [-1, c]), 0)) as tf.Tensor1D;
}
