// The whole layer on each test env (the batch-norm kernels where it has them) against the same layer on cpu
// (the plain-op path): training output, updated moving statistics, gradients of gamma/beta/x, then inference
// with those statistics.
import { expect, it } from 'vitest';
import { BATCH_NORM_MOMENTS, hasKernelFor } from '../ops/index.js';
import { ALL_ENVS, describeWithFlags, type EnvName } from '../test-backends/envs.js';
import { expectClose, pseudoRandom } from '../test-backends/run.js';
import * as tf from '../tf.js';
import { BatchNormalization3D } from './batch-normalization3d.js';

/** The envs that register the batch-norm kernels. */
const KERNEL_ENVS: readonly EnvName[] = ['fake', 'wasm', 'webgpu'];

interface LayerRun {
  y: Float32Array;
  grads: Float32Array[];
  weights: Float32Array[];
  inference: Float32Array;
}

/** One training call (forward + gradients) and one inference call of a fresh layer on `backend`. */
async function runLayer(backend: string, shape: number[], kernels: boolean): Promise<LayerRun> {
  await tf.setBackend(backend);
  const c = shape[4];
  const n = shape.reduce((a, b) => a * b, 1);
  const layer = new BatchNormalization3D({ momentum: 0.9 });
  layer.build([null, ...shape.slice(1)]);
  const stat = (seed: number, offset: number) => tf.tensor1d(pseudoRandom(c, seed).map((v) => v + offset));
  layer.setWeights([stat(1, 1), stat(2, 0), stat(3, 0), stat(4, 2)]);
  const x = tf.tensor(
    pseudoRandom(n, 5).map((v) => v * 2 + 0.5),
    shape,
  );
  const w = tf.tensor(pseudoRandom(n, 6), shape);
  expect(hasKernelFor(BATCH_NORM_MOMENTS, { x }), 'the kernels in use').toBe(kernels);
  const [gamma, beta] = layer.trainableWeights.map((v) => v.read() as tf.Variable);
  let y: tf.Tensor | undefined;
  const { grads } = tf.variableGrads(() => {
    y = tf.keep(layer.apply(x, { training: true }) as tf.Tensor);
    return tf.sum(tf.mul(y, w)) as tf.Scalar;
  }, [gamma, beta]);
  const dx = tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(layer.apply(xi, { training: true }) as tf.Tensor, w)))(
    x,
  );
  // the dx call above updated the moving statistics a second time (as a second training step would)
  const inferred = layer.apply(x) as tf.Tensor;
  const read = async (t: tf.Tensor) => (await t.data()) as Float32Array;
  const out: LayerRun = {
    y: await read(y as tf.Tensor),
    grads: [await read(dx), await read(grads[gamma.name]), await read(grads[beta.name])],
    weights: await Promise.all(layer.getWeights().map(read)),
    inference: await read(inferred),
  };
  tf.dispose([x, w, y as tf.Tensor, dx, inferred, ...Object.values(grads)]);
  for (const v of layer.weights) v.dispose();
  return out;
}

describeWithFlags('BatchNormalization3D equals the cpu layer', ALL_ENVS, (env) => {
  it.each([[[1, 5, 3, 7, 6]], [[3, 3, 5, 3, 8]]])(
    'training step, moving statistics, gradients, inference %j',
    async (shape: number[]) => {
      const cpu = await runLayer('cpu', shape, false);
      const got = await runLayer(env.backendName, shape, KERNEL_ENVS.includes(env.name));
      expectClose(got.y, cpu.y, env.tol, 'y');
      ['dx', 'dgamma', 'dbeta'].forEach((name, i) => {
        expectClose(got.grads[i], cpu.grads[i], env.tol, name);
      });
      ['gamma', 'beta', 'moving_mean', 'moving_variance'].forEach((name, i) => {
        expectClose(got.weights[i], cpu.weights[i], env.tol, name);
      });
      expectClose(got.inference, cpu.inference, env.tol, 'inference');
      // the moving statistics moved: the layer really trained on both backends
      expect(relativeError(cpu.weights[2], pseudoRandom(shape[4], 3))).toBeGreaterThan(1e-3);
    },
  );

  it('does not leak tensors', async () => {
    const layer = new BatchNormalization3D();
    layer.build([null, 3, 3, 3, 4]);
    const x = tf.randomUniform([2, 3, 3, 3, 4]);
    const before = tf.memory().numTensors;
    const g = tf.grad((xi: tf.Tensor) => tf.sum(layer.apply(xi, { training: true }) as tf.Tensor))(x);
    tf.dispose([g, layer.apply(x, { training: true }) as tf.Tensor, layer.apply(x) as tf.Tensor]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(x);
    for (const v of layer.weights) v.dispose();
  });
});

/** max |a - b| / max |b|: the error relative to the reference's scale. */
function relativeError(a: Float32Array, b: Float32Array): number {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return err / scale;
}
