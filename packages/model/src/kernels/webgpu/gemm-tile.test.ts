// webgpu's conv GEMM at each row tile (CT3D_WEBGPU_TILE, a tuning switch: docs/model-kernels.md) against cpu;
// every other Conv3D spec: kernels/conv3d.test.ts.
import { it } from 'vitest';
import { describeWithFlags } from '../../test-backends/envs.js';
import { expectAllClose, onCpuAndEnv, randomTensor, type Shape5 } from '../../test-backends/run.js';
import * as tf from '../../tf.js';

describeWithFlags('Conv3D GEMM row tiles', { envs: ['webgpu'] }, (env) => {
  it.each(['256', '128', '64'])('row tile %s: forward and filter gradient', async (tile) => {
    process.env.CT3D_WEBGPU_TILE = tile;
    try {
      const [xs, fs]: Shape5[] = [
        [2, 6, 5, 7, 8],
        [3, 3, 3, 8, 8],
      ];
      const { ref, got } = await onCpuAndEnv(env, () => {
        const x = randomTensor(xs, 12) as tf.Tensor5D;
        const dy = randomTensor([2, 4, 3, 5, 8], 14);
        const attrs = { strides: 1, pad: 'valid', filterShape: fs };
        const dw = tf.engine().runKernel('Conv3DBackpropFilterV2', { x, dy }, attrs) as tf.Tensor;
        return [tf.conv3d(x, randomTensor(fs, 13) as tf.Tensor5D, 1, 'valid'), dw];
      });
      expectAllClose(got, ref, env.tol, ['y', 'dw']);
    } finally {
      delete process.env.CT3D_WEBGPU_TILE;
    }
  });
});
