// The Conv3D kernels that wasm and webgpu register in place of the stock ones (forward and both gradients)
// against the pure-JS cpu backend.
import { it } from 'vitest';
import { describeWithFlags } from '../test-backends/envs.js';
import { expectAllClose, onCpuAndEnv, randomTensor, type Shape5 } from '../test-backends/run.js';
import * as tf from '../tf.js';
import { expectConvMatchesCpu, type Pad } from './test-conv.js';

// odd dims, batch 1 to 3, 1 to 40 input channels, 1 to 68 output channels (webgpu: vec4 and scalar output
// paths), non-cubic and 1x1x1 filters (wasm: im2col), SAME padding
const CASES: [Shape5, Shape5, Pad][] = [
  [[1, 5, 6, 7, 1], [3, 3, 3, 1, 4], 'valid'],
  [[2, 7, 5, 9, 3], [3, 3, 3, 3, 5], 'valid'],
  [[3, 6, 6, 5, 5], [3, 2, 3, 5, 3], 'valid'],
  [[2, 9, 8, 7, 8], [3, 3, 3, 8, 16], 'valid'],
  [[1, 4, 5, 6, 5], [1, 1, 1, 5, 2], 'valid'],
  [[2, 8, 7, 6, 3], [2, 3, 1, 3, 1], 'valid'],
  [[1, 11, 9, 13, 1], [3, 3, 3, 1, 64], 'valid'],
  [[1, 5, 6, 7, 1], [3, 3, 3, 1, 8], 'valid'],
  [[2, 6, 7, 5, 8], [3, 3, 3, 8, 8], 'valid'],
  [[1, 5, 5, 7, 8], [3, 2, 3, 8, 68], 'valid'],
  [[2, 5, 6, 5, 3], [3, 3, 3, 3, 4], 'same'],
  [[2, 9, 9, 7, 1], [3, 3, 3, 1, 8], 'valid'],
  // webgpu: the filter gradient with >= 1024 filter rows picks 128-row tiles
  [[1, 4, 5, 4, 40], [3, 3, 3, 40, 8], 'valid'],
];

describeWithFlags(
  'Conv3D, Conv3DBackpropInputV2, Conv3DBackpropFilterV2',
  { envs: ['wasm', 'webgpu'] },
  (env) => {
    it.each(CASES)(
      'x %j filter %j %s: forward, input and filter gradients equal cpu',
      async (xs, fs, pad) => {
        await expectConvMatchesCpu(env, xs, fs, pad, 7);
      },
    );

    it('SAME padding and strides (the stock kernels or a fallback run them) equal cpu', async () => {
      const { ref, got } = await onCpuAndEnv(env, () => {
        const out: tf.Tensor[] = [];
        for (const [xs, stride, pad] of [
          [[2, 6, 5, 7, 3], [1, 2, 1], 'same'],
          [[1, 7, 7, 5, 3], [2, 2, 2], 'valid'],
        ] as [Shape5, [number, number, number], Pad][]) {
          const x = randomTensor(xs, 3, 0.5) as tf.Tensor5D;
          const w = randomTensor([3, 3, 3, 3, 4], 4, 0.5) as tf.Tensor5D;
          const conv = (a: tf.Tensor, b: tf.Tensor) =>
            tf.conv3d(a as tf.Tensor5D, b as tf.Tensor5D, stride, pad);
          out.push(
            conv(x, w),
            ...tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(conv(a, b))))([x, w]),
          );
        }
        return out;
      });
      expectAllClose(got, ref, env.tol, [
        'same y',
        'same dx',
        'same dw',
        'stride 2 y',
        'stride 2 dx',
        'stride 2 dw',
      ]);
    });
  },
);
