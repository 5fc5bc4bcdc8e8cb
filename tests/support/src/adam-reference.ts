// The Adam update in plain JS (float64): the reference the Ct3dAdamUpdate kernel is tested against, and the
// stand-in kernel of tests that need one on the cpu backend.

/** A Ct3dAdamUpdate kernel's attributes: the step's scalars and which output it computes. */
export interface AdamStepAttrs {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  oneMinusAcc1: number;
  oneMinusAcc2: number;
  out: 'm' | 'v' | 'w';
}

/** Output `s.out` (new m, new v or new weights) of one Adam step over weights w, moments m and v, gradient g. */
export function adamStepValues(
  w: Float32Array,
  m: Float32Array,
  v: Float32Array,
  g: Float32Array,
  s: AdamStepAttrs,
): Float32Array {
  return w.map((wi, i) => {
    const m1 = m[i] * s.beta1 + g[i] * (1 - s.beta1);
    const v1 = v[i] * s.beta2 + g[i] * g[i] * (1 - s.beta2);
    if (s.out === 'm') return m1;
    if (s.out === 'v') return v1;
    return wi - (s.lr * (m1 / s.oneMinusAcc1)) / (Math.sqrt(v1 / s.oneMinusAcc2) + s.epsilon);
  });
}
