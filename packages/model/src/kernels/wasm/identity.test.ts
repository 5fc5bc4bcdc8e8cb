// wasm's Identity kernel: shares the data id instead of copying (tf.identity, tfjs-layers' linear activation).
import { expect, it } from 'vitest';
import { describeWithFlags } from '../../test-backends/envs.js';
import { pseudoRandom } from '../../test-backends/run.js';
import * as tf from '../../tf.js';

describeWithFlags('wasm Identity', { envs: ['wasm'] }, () => {
  it('shares the data (no copy) and keeps it alive until both tensors are disposed', () => {
    const ids = tf.backend().numDataIds();
    const x = tf.tensor3d(pseudoRandom(2 * 3 * 4, 9, 0.5), [2, 3, 4]);
    const y = tf.engine().runKernel('Identity', { x }) as tf.Tensor;
    expect(y.dataId).toBe(x.dataId);
    const before = x.dataSync().slice();
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual(Array.from(before));
    y.dispose();
    expect(tf.backend().numDataIds()).toBe(ids);
  });
});
