import { describe, expect, it } from 'vitest';
import { compareBackends, type Inputs, randomArray, setupWebGPU, tf } from './testing.js';

const info = await setupWebGPU();
const suite = info === null ? describe.skip : describe;
const SLOW = 120_000; // lavapipe compiles each WGSL pipeline on the CPU

type S5 = [number, number, number, number, number];
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
const input = (shape: number[], seed: number) => ({ values: randomArray(size(shape), seed), shape });

function convOut(x: S5, f: S5, pad: 'valid' | 'same'): S5 {
  const o = (d: number, k: number) => (pad === 'same' ? d : d - k + 1);
  return [x[0], o(x[1], f[0]), o(x[2], f[1]), o(x[3], f[2]), f[4]];
}

// [x shape, filter shape, padding]: odd dims, batch 1-2, 1/3/8 input channels, vec4 and scalar output paths.
const CONV_CASES: [S5, S5, 'valid' | 'same'][] = [
  [[1, 5, 6, 7, 1], [3, 3, 3, 1, 8], 'valid'],
  [[2, 7, 5, 6, 3], [3, 3, 3, 3, 5], 'valid'],
  [[2, 6, 7, 5, 8], [3, 3, 3, 8, 8], 'valid'],
  [[1, 5, 5, 7, 8], [3, 2, 3, 8, 68], 'valid'],
  [[2, 5, 6, 5, 3], [3, 3, 3, 3, 4], 'same'],
  [[2, 9, 9, 7, 1], [3, 3, 3, 1, 8], 'valid'],
  // filter gradient with >= 1024 filter rows picks 128-row tiles
  [[1, 4, 5, 4, 40], [3, 3, 3, 40, 8], 'valid'],
];

const label = (x: S5, f: S5, pad: string) => `x ${x.join('x')} filter ${f.join('x')} ${pad}`;

suite(`webgpu kernels equal the cpu backend (${info?.adapter})`, { timeout: SLOW }, () => {
  it.each(CONV_CASES)('Conv3D %j %j %s', async (xs, fs, pad) => {
    const inputs: Inputs = { x: input(xs, 1), f: input(fs, 2) };
    const r = await compareBackends(inputs, (t) => tf.conv3d(t.x as tf.Tensor5D, t.f as tf.Tensor5D, 1, pad));
    expect(r.gpu.shape, label(xs, fs, pad)).toEqual(r.cpu.shape);
    expect(r.mismatch, label(xs, fs, pad)).toBeNull();
  });

  it.each(CONV_CASES)('Conv3DBackpropInputV2 %j %j %s', async (xs, fs, pad) => {
    const inputs: Inputs = { dy: input(convOut(xs, fs, pad), 3), f: input(fs, 4) };
    const r = await compareBackends(
      inputs,
      (t) =>
        tf
          .engine()
          .runKernel(
            'Conv3DBackpropInputV2',
            { dy: t.dy, filter: t.f },
            { strides: 1, pad, inputShape: xs },
          ) as tf.Tensor,
    );
    expect(r.gpu.shape).toEqual(xs);
    expect(r.mismatch, label(xs, fs, pad)).toBeNull();
  });

  it.each(CONV_CASES)('Conv3DBackpropFilterV2 %j %j %s', async (xs, fs, pad) => {
    const inputs: Inputs = { x: input(xs, 5), dy: input(convOut(xs, fs, pad), 6) };
    const r = await compareBackends(
      inputs,
      (t) =>
        tf
          .engine()
          .runKernel(
            'Conv3DBackpropFilterV2',
            { x: t.x, dy: t.dy },
            { strides: 1, pad, filterShape: fs },
          ) as tf.Tensor,
    );
    expect(r.gpu.shape).toEqual(fs);
    expect(r.mismatch, label(xs, fs, pad)).toBeNull();
  });

  it.each(['256', '128', '64'])('GEMM row tile %s (CT3D_WEBGPU_TILE)', async (tile) => {
    process.env.CT3D_WEBGPU_TILE = tile;
    try {
      const [xs, fs] = [[2, 6, 5, 7, 8] as S5, [3, 3, 3, 8, 8] as S5];
      const inputs: Inputs = { x: input(xs, 12), f: input(fs, 13), dy: input(convOut(xs, fs, 'valid'), 14) };
      const fwd = await compareBackends(inputs, (t) =>
        tf.conv3d(t.x as tf.Tensor5D, t.f as tf.Tensor5D, 1, 'valid'),
      );
      expect(fwd.mismatch).toBeNull();
      const wgrad = await compareBackends(
        inputs,
        (t) =>
          tf
            .engine()
            .runKernel(
              'Conv3DBackpropFilterV2',
              { x: t.x, dy: t.dy },
              { strides: 1, pad: 'valid', filterShape: fs },
            ) as tf.Tensor,
      );
      expect(wgrad.mismatch).toBeNull();
    } finally {
      delete process.env.CT3D_WEBGPU_TILE;
    }
  });

  it('Conv3D with stride 2 falls back to the stock kernel and still matches', async () => {
    const inputs: Inputs = { x: input([1, 7, 7, 5, 3], 7), f: input([3, 3, 3, 3, 4], 8) };
    const r = await compareBackends(inputs, (t) =>
      tf.conv3d(t.x as tf.Tensor5D, t.f as tf.Tensor5D, 2, 'valid'),
    );
    expect(r.mismatch).toBeNull();
  });

  const POOL_CASES: [S5, number, number][] = [
    [[2, 7, 6, 5, 3], 2, 2],
    [[1, 6, 9, 7, 8], 3, 3],
    [[1, 5, 6, 7, 1], 2, 3],
  ];

  it.each(POOL_CASES)('MaxPool3D %j filter %i stride %i', async (xs, f, s) => {
    const r = await compareBackends({ x: input(xs, 9) }, (t) =>
      tf.maxPool3d(t.x as tf.Tensor5D, f, s, 'valid'),
    );
    expect(r.gpu.shape).toEqual(r.cpu.shape);
    expect(r.rel).toBe(0);
  });

  it.each(POOL_CASES)('MaxPool3DGrad %j filter %i stride %i', async (xs, f, s) => {
    const inputs: Inputs = { x: input(xs, 10) };
    // dy of the pooled shape, drawn per backend run from the same seed
    const r = await compareBackends(inputs, (t) => {
      const y = tf.maxPool3d(t.x as tf.Tensor5D, f, s, 'valid');
      const dy = tf.tensor(randomArray(y.size, 11), y.shape);
      return tf
        .engine()
        .runKernel(
          'MaxPool3DGrad',
          { dy, input: t.x, output: y },
          { filterSize: f, strides: s, pad: 'valid' },
        ) as tf.Tensor;
    });
    expect(r.gpu.shape).toEqual(xs);
    expect(r.rel).toBe(0);
  });

  it('MaxPool3DGrad sends ties to the last maximum, as the cpu backend', async () => {
    const values = new Float32Array(2 * 4 * 4 * 4 * 2).map((_, i) => (i % 3 === 0 ? 1 : 0));
    const r = await compareBackends({ x: { values, shape: [2, 4, 4, 4, 2] } }, (t) => {
      const y = tf.maxPool3d(t.x as tf.Tensor5D, 2, 2, 'valid');
      return tf
        .engine()
        .runKernel(
          'MaxPool3DGrad',
          { dy: tf.onesLike(y), input: t.x, output: y },
          { filterSize: 2, strides: 2, pad: 'valid' },
        ) as tf.Tensor;
    });
    expect(r.rel).toBe(0);
  });
});
