// Test models whose answer is known: one Dense unit (sigmoid) over the flattened [n, n, n, 1] input.
import * as tf from './tf.js';

/** logit = sum over i, j, k of weight(i, j, k) * input + bias: its gradient is `weight`, known by hand. */
export function linearModel(n: number, weight: (i: number, j: number, k: number) => number, bias = 0) {
  const input = tf.input({ shape: [n, n, n, 1] });
  const flat = tf.layers.flatten().apply(input) as tf.SymbolicTensor;
  const dense = tf.layers.dense({ units: 1, activation: 'sigmoid' });
  const output = dense.apply(flat) as tf.SymbolicTensor;
  // channels-last flatten: index (i * n + j) * n + k
  const kernel = new Float32Array(n * n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) kernel[(i * n + j) * n + k] = weight(i, j, k);
  dense.setWeights([tf.tensor2d(kernel, [n * n * n, 1]), tf.tensor1d([bias])]);
  return tf.model({ inputs: input, outputs: output });
}
