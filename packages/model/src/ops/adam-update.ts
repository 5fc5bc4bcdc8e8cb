// One output of an Adam step as an op (kernel 'Ct3dAdamUpdate': webgpu runs it as one WGSL dispatch with the
// scalars as uniforms). The composite is the same arithmetic, in the order of tfjs-core's AdamOptimizer.
import * as tf from '../tf.js';
import { dispatch } from './dispatch.js';

/** (w, m, v, g; the AdamScalars and out) -> the new m, v or w. */
export const ADAM_UPDATE = 'Ct3dAdamUpdate';

/** Which tensor one update writes: new first moment, new second moment, or new weight. */
export type AdamOutput = 'm' | 'v' | 'w';

/** Scalars of one Adam step (oneMinusAcc = 1 - beta^t, the bias corrections). */
export interface AdamScalars {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  oneMinusAcc1: number;
  oneMinusAcc2: number;
}

function adamUpdateComposite(
  w: tf.Tensor,
  m: tf.Tensor,
  v: tf.Tensor,
  g: tf.Tensor,
  s: AdamScalars,
  out: AdamOutput,
): tf.Tensor {
  const m1 = tf.add(tf.mul(m, s.beta1), tf.mul(g, 1 - s.beta1));
  if (out === 'm') return m1;
  const v1 = tf.add(tf.mul(v, s.beta2), tf.mul(tf.square(g), 1 - s.beta2));
  if (out === 'v') return v1;
  const mHat = tf.div(m1, s.oneMinusAcc1);
  const vHat = tf.div(v1, s.oneMinusAcc2);
  return tf.add(tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), s.epsilon)), -s.lr), w);
}

/** One output of an Adam step: the backend's kernel, plain tf ops elsewhere. */
export function adamUpdate(
  w: tf.Tensor,
  m: tf.Tensor,
  v: tf.Tensor,
  g: tf.Tensor,
  s: AdamScalars,
  out: AdamOutput,
): tf.Tensor {
  const attrs = { ...s, out } as unknown as tf.NamedAttrMap;
  return dispatch(ADAM_UPDATE, { w, m, v, g }, attrs, () =>
    tf.tidy(() => adamUpdateComposite(w, m, v, g, s, out)),
  );
}
