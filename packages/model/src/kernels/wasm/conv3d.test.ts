// Why wasm's Conv3DBackpropInputV2 exists: the stock wasm kernel is wrong (the shared Conv3D specs:
// kernels/conv3d.test.ts).
import { closeMismatch } from '@ct3d/test-support';
import { getKernel, type KernelConfig, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeWithFlags } from '../../test-backends/envs.js';
import { expectAllClose, onCpuAndEnv, randomTensor, runOn } from '../../test-backends/run.js';
import * as tf from '../../tf.js';

// Captured at import, before the wasm env's setup registers ours.
const stock = getKernel('Conv3DBackpropInputV2', 'wasm') as KernelConfig;

describeWithFlags('Conv3DBackpropInputV2', { envs: ['wasm'] }, (env) => {
  it('is right where the stock wasm Conv3DBackpropInputV2 is wrong', async () => {
    const run = () => {
      const dy = randomTensor([2, 5, 4, 3, 6], 11, 0.5);
      const w = randomTensor([3, 3, 3, 4, 6], 12, 0.5);
      const attrs = { strides: [1, 1, 1], pad: 'valid', inputShape: [2, 7, 6, 5, 4] };
      return tf.engine().runKernel('Conv3DBackpropInputV2', { dy, filter: w }, attrs) as tf.Tensor;
    };
    const { ref, got } = await onCpuAndEnv(env, run);
    expectAllClose(got, ref, env.tol);
    // Swap the stock kernel back in for one call: it must disagree (that is why ours exists).
    const ours = getKernel('Conv3DBackpropInputV2', 'wasm') as KernelConfig;
    expect(ours).not.toBe(stock);
    unregisterKernel('Conv3DBackpropInputV2', 'wasm');
    registerKernel(stock);
    try {
      // Far off or NaN (it reads heap memory it never wrote, so which depends on the kernels run before).
      const [wrong] = await runOn(env.backendName, run);
      expect(closeMismatch(wrong.values, ref[0].values, { rtol: 1e-2, atol: 1e-2 })).not.toBeNull();
    } finally {
      unregisterKernel('Conv3DBackpropInputV2', 'wasm');
      registerKernel(ours);
    }
  });
});
