import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../tf.js';
import { GlobalAveragePooling3D } from './global-average-pooling3d.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('GlobalAveragePooling3D', () => {
  it('averages the three spatial axes per channel: [b,w,h,d,c] -> [b,c]', () => {
    const shape = [2, 3, 2, 4, 5];
    const n = shape.reduce((a, b) => a * b, 1);
    const data = Array.from({ length: n }, (_, i) => (i * 7) % 11);
    const y = new GlobalAveragePooling3D().apply(tf.tensor(data, shape)) as tf.Tensor;
    expect(y.shape).toEqual([2, 5]);
    const got = y.dataSync();
    const perSample = 3 * 2 * 4;
    for (let b = 0; b < 2; b++) {
      for (let c = 0; c < 5; c++) {
        let sum = 0;
        for (let s = 0; s < perSample; s++) sum += data[(b * perSample + s) * 5 + c];
        expect(got[b * 5 + c]).toBeCloseTo(sum / perSample, 5);
      }
    }
  });

  it('computes the symbolic output shape, names itself like Keras and serializes', () => {
    const layer = new GlobalAveragePooling3D();
    expect(layer.name).toMatch(/^global_average_pooling3d(_\d+)?$/);
    const out = layer.apply(tf.input({ shape: [6, 6, 2, 256] })) as tf.SymbolicTensor;
    expect(out.shape).toEqual([null, 256]);
    expect(layer.getConfig()).toMatchObject({ dataFormat: 'channelsLast' });
    expect(tf.serialization.SerializationMap.getMap().classNameMap.GlobalAveragePooling3D).toBeDefined();
  });

  it('rejects a non rank-5 input', () => {
    expect(() => new GlobalAveragePooling3D({ name: 'gap' }).apply(tf.input({ shape: [4, 4, 3] }))).toThrow();
  });
});
