// Finite differences vs autodiff (float32). The seed model itself (relu + max-pool) has many kinks that make
// finite differences of its first layers unreliable, so the network check uses the same structure with
// smooth activations (tanh, average pooling) around the custom layers, and the kinked ops are checked alone.
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchNormalization3D } from './layers/batch-normalization3d.js';
import { GlobalAveragePooling3D } from './layers/global-average-pooling3d.js';
import * as tf from './tf.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function pseudoRandom(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

const randomLike = (t: tf.Tensor, seed: number): tf.Tensor => tf.tensor(pseudoRandom(t.size, seed), t.shape);

/** Central difference of f along `direction` around `base`, written with `apply`. */
function directionalDifference(
  f: () => number,
  apply: (t: tf.Tensor) => void,
  base: tf.Tensor,
  dir: tf.Tensor,
) {
  const h = 1e-3;
  apply(tf.add(base, tf.mul(dir, h)));
  const up = f();
  apply(tf.sub(base, tf.mul(dir, h)));
  const down = f();
  apply(base);
  return (up - down) / (2 * h);
}

/** |numeric - analytic| within float32 noise: 1e-4 absolute plus 1% relative. */
function expectClose(numeric: number, analytic: number, what: string): void {
  const message = `${what}: numeric ${numeric} vs analytic ${analytic}`;
  expect(Math.abs(numeric - analytic), message).toBeLessThan(1e-4 + 0.01 * Math.abs(analytic));
}

function smoothSeedLikeModel(): tf.LayersModel {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const input = tf.input({ shape: [10, 10, 10, 1] });
  let x = input;
  [2, 3].forEach((filters, i) => {
    const conv = tf.layers.conv3d({ filters, kernelSize: 3, activation: 'tanh', kernelInitializer: init(i) });
    x = conv.apply(x) as tf.SymbolicTensor;
    x = tf.layers.averagePooling3d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
    x = new BatchNormalization3D().apply(x) as tf.SymbolicTensor;
  });
  x = new GlobalAveragePooling3D().apply(x) as tf.SymbolicTensor;
  x = tf.layers
    .dense({ units: 4, activation: 'tanh', kernelInitializer: init(5) })
    .apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: init(6) }).apply(x);
  return tf.model({ inputs: input, outputs: out as tf.SymbolicTensor });
}

describe('gradients', () => {
  it('of a seed-structured network (training-mode batch norm) match finite differences for every weight', () => {
    const model = smoothSeedLikeModel();
    // Non-trivial batch-norm parameters so gamma/beta gradients are not degenerate.
    for (const w of model.trainableWeights.filter((v) => /gamma|beta/.test(v.originalName))) {
      w.write(tf.add(w.read(), tf.mul(randomLike(w.read(), 5), 0.5)));
    }
    const x = tf.tensor5d(pseudoRandom(3 * 1000, 11), [3, 10, 10, 10, 1]);
    const y = tf.tensor2d([0, 1, 1], [3, 1]);
    const loss = (): tf.Scalar =>
      tf.losses.logLoss(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar;
    const lossValue = (): number => tf.tidy(() => loss().dataSync()[0]);
    const { grads } = tf.variableGrads(
      loss,
      model.trainableWeights.map((w) => w.read() as tf.Variable),
    );
    expect(model.trainableWeights).toHaveLength(12);
    for (const [i, weight] of model.trainableWeights.entries()) {
      const base = weight.read().clone();
      const dir = randomLike(base, 100 + i);
      const analytic = tf.sum(tf.mul(grads[weight.name], dir)).dataSync()[0];
      const numeric = directionalDifference(lossValue, (t) => weight.write(t), base, dir);
      expectClose(numeric, analytic, weight.name);
    }
  });

  it('of each seed op w.r.t. its input match finite differences', () => {
    const bn = new BatchNormalization3D();
    bn.build([null, 6, 6, 6, 2]);
    const kernel = tf.tensor5d(pseudoRandom(27 * 4, 5), [3, 3, 3, 2, 2]);
    const ops: Record<string, (x: tf.Tensor) => tf.Tensor> = {
      conv3d: (x) => tf.conv3d(x as tf.Tensor5D, kernel, 1, 'valid'),
      maxPool3d: (x) => tf.maxPool3d(x as tf.Tensor5D, 2, 2, 'valid'),
      relu: (x) => tf.relu(x),
      batchNormTraining: (x) => bn.apply(x, { training: true }) as tf.Tensor,
      globalAveragePooling3d: (x) => new GlobalAveragePooling3D().apply(x) as tf.Tensor,
    };
    const x0 = tf.tensor5d(pseudoRandom(2 * 6 * 6 * 6 * 2, 9), [2, 6, 6, 6, 2]);
    for (const [name, op] of Object.entries(ops)) {
      const weights = randomLike(op(x0), 33);
      const loss = (x: tf.Tensor): tf.Scalar => tf.sum(tf.mul(tf.tanh(op(x)), weights));
      const analytic = tf.sum(tf.mul(tf.grad(loss)(x0), randomLike(x0, 77))).dataSync()[0];
      let x: tf.Tensor = x0;
      const numeric = directionalDifference(
        () => tf.tidy(() => loss(x).dataSync()[0]),
        (t) => {
          x = t;
        },
        x0,
        randomLike(x0, 77),
      );
      expectClose(numeric, analytic, name);
    }
  });
});
