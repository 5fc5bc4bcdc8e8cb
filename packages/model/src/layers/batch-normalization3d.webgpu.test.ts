// The whole layer on webgpu (our batch-norm kernels) against the same layer on cpu (the plain-op path):
// training output, updated moving statistics, gradients of gamma/beta/x, then inference with those statistics.
import { closeMismatch } from '@ct3d/test-support';
import { describe, expect, it } from 'vitest';
import { randomArray, relativeError, setupWebGPU, WEBGPU_TOL } from '../kernels/webgpu/testing.js';
import { BATCH_NORM_MOMENTS, hasKernelFor } from '../ops/index.js';
import * as tf from '../tf.js';
import { BatchNormalization3D } from './batch-normalization3d.js';

const info = await setupWebGPU();
const suite = info === null ? describe.skip : describe;

interface LayerRun {
  y: Float32Array;
  grads: Float32Array[];
  weights: Float32Array[];
  inference: Float32Array;
}

/** One training call (forward + gradients) and one inference call of a fresh layer on `backend`. */
async function runLayer(backend: 'cpu' | 'webgpu', shape: number[]): Promise<LayerRun> {
  await tf.setBackend(backend);
  const c = shape[4];
  const n = shape.reduce((a, b) => a * b, 1);
  const layer = new BatchNormalization3D({ momentum: 0.9 });
  layer.build([null, ...shape.slice(1)]);
  const stat = (seed: number, offset: number) => tf.tensor1d(randomArray(c, seed).map((v) => v + offset));
  layer.setWeights([stat(1, 1), stat(2, 0), stat(3, 0), stat(4, 2)]);
  const x = tf.tensor(
    randomArray(n, 5).map((v) => v * 2 + 0.5),
    shape,
  );
  const w = tf.tensor(randomArray(n, 6), shape);
  expect(hasKernelFor(BATCH_NORM_MOMENTS, { x }), 'our kernels in use').toBe(backend === 'webgpu');
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

suite('BatchNormalization3D on webgpu (our kernels) equals the cpu layer', { timeout: 120_000 }, () => {
  it.each([[[1, 5, 3, 7, 6]], [[3, 3, 5, 3, 8]]])(
    'training step, moving statistics, gradients, inference %j',
    async (shape: number[]) => {
      const cpu = await runLayer('cpu', shape);
      const gpu = await runLayer('webgpu', shape);
      expect(closeMismatch(gpu.y, cpu.y, WEBGPU_TOL), 'y').toBeNull();
      ['dx', 'dgamma', 'dbeta'].forEach((name, i) => {
        expect(closeMismatch(gpu.grads[i], cpu.grads[i], WEBGPU_TOL), name).toBeNull();
      });
      ['gamma', 'beta', 'moving_mean', 'moving_variance'].forEach((name, i) => {
        expect(closeMismatch(gpu.weights[i], cpu.weights[i], WEBGPU_TOL), name).toBeNull();
      });
      expect(closeMismatch(gpu.inference, cpu.inference, WEBGPU_TOL), 'inference').toBeNull();
      // the moving statistics moved: the layer really trained on both backends
      expect(relativeError(cpu.weights[2], new Float32Array(randomArray(shape[4], 3)))).toBeGreaterThan(1e-3);
    },
  );

  it('does not leak tensors on webgpu', async () => {
    await tf.setBackend('webgpu');
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
