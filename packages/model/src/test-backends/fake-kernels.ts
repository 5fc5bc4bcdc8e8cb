// The 'fake' test env: a backend that is the cpu backend plus kernels registered under our ops' names, written
// in plain JS (float64 sums), i.e. what a new backend module does. Its ops' gradients and every op it has no
// kernel for run their composites, so specs on it check the dispatch and the registered gradients.
import { type AdamStepAttrs, adamStepValues } from '@ct3d/test-support';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { ADAM_UPDATE, BATCH_NORM_APPLY, BATCH_NORM_MOMENTS, CONV_BLOCK } from '../ops/index.js';
import * as tf from '../tf.js';

/** What the cpu backend offers a kernel: read an input, make an output. */
interface CpuKernelBackend {
  readSync(dataId: tf.DataId): unknown;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array | Int32Array): tf.TensorInfo;
}

/** A kernel's input by name (throws when absent). */
function inputOf(inputs: tf.NamedTensorInfoMap, name: string): tf.TensorInfo {
  const t = inputs[name];
  if (t === undefined) throw new Error(`fake kernel: no input '${name}'`);
  return t;
}

/** The float32 values of a kernel's input. */
function readInput(backend: unknown, inputs: tf.NamedTensorInfoMap, name: string): Float32Array {
  return (backend as CpuKernelBackend).readSync(inputOf(inputs, name).dataId) as Float32Array;
}

const output = (backend: unknown, shape: number[], values: Float32Array | Int32Array) =>
  (backend as CpuKernelBackend).makeTensorInfo(
    shape,
    values instanceof Int32Array ? 'int32' : 'float32',
    values,
  );

/**
 * Ct3dConvBlock: pooled relu(conv + bias) and each window's index of its max, -1 where the max is <= 0; ties
 * take the last max, as the wasm kernel.
 */
const convBlock: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const [x, w, b] = ['x', 'filter', 'bias'].map((name) => readInput(backend, inputs, name));
  const [n, d1, d2, d3, c] = inputOf(inputs, 'x').shape;
  const [k1, k2, k3, , o] = inputOf(inputs, 'filter').shape;
  const p = attrs?.poolSize as number;
  const conv = (s: number, i: number, j: number, l: number, ch: number): number => {
    let acc = b[ch];
    for (let a = 0; a < k1; a++)
      for (let e = 0; e < k2; e++)
        for (let f = 0; f < k3; f++)
          for (let ci = 0; ci < c; ci++) {
            const xi = (((s * d1 + i + a) * d2 + j + e) * d3 + l + f) * c + ci;
            acc += x[xi] * w[(((a * k2 + e) * k3 + f) * c + ci) * o + ch];
          }
    return acc;
  };
  const q = [d1 - k1 + 1, d2 - k2 + 1, d3 - k3 + 1].map((v) => Math.floor(v / p));
  const shape = [n, ...q, o];
  const y = new Float32Array(shape.reduce((a, v) => a * v, 1));
  const arg = new Int32Array(y.length);
  let out = 0;
  for (let s = 0; s < n; s++)
    for (let i = 0; i < q[0]; i++)
      for (let j = 0; j < q[1]; j++)
        for (let l = 0; l < q[2]; l++)
          for (let ch = 0; ch < o; ch++, out++) {
            let best = Number.NEGATIVE_INFINITY;
            let at = -1;
            for (let win = 0; win < p ** 3; win++) {
              const [a, e, f] = [Math.floor(win / (p * p)), Math.floor(win / p) % p, win % p];
              const v = conv(s, i * p + a, j * p + e, l * p + f, ch);
              if (v >= best) [best, at] = [v, win];
            }
            y[out] = Math.max(best, 0);
            arg[out] = best > 0 ? at : -1;
          }
  return [output(backend, shape, y), output(backend, shape, arg)];
};

/** Ct3dBatchNormMoments: per-channel mean and biased variance. */
const moments: tf.KernelFunc = ({ inputs, backend }) => {
  const x = readInput(backend, inputs, 'x');
  const shape = inputOf(inputs, 'x').shape;
  const c = shape[shape.length - 1];
  const rows = x.length / c;
  const out = new Float32Array(2 * c);
  for (let ch = 0; ch < c; ch++) {
    let sum = 0;
    for (let r = 0; r < rows; r++) sum += x[r * c + ch];
    const mean = sum / rows;
    let sq = 0;
    for (let r = 0; r < rows; r++) sq += (x[r * c + ch] - mean) ** 2;
    out[ch] = mean;
    out[c + ch] = sq / rows;
  }
  return output(backend, [2, c], out);
};

/** Ct3dBatchNormApply: (x - mean) * rsqrt(var + eps) * gamma + beta per channel. */
const apply: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const x = readInput(backend, inputs, 'x');
  const m = readInput(backend, inputs, 'moments');
  const [gamma, beta] = [readInput(backend, inputs, 'gamma'), readInput(backend, inputs, 'beta')];
  const shape = inputOf(inputs, 'x').shape;
  const c = shape[shape.length - 1];
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const ch = i % c;
    out[i] = ((x[i] - m[ch]) / Math.sqrt(m[c + ch] + (attrs?.epsilon as number))) * gamma[ch] + beta[ch];
  }
  return output(backend, shape, out);
};

/** Ct3dAdamUpdate, as the webgpu kernel computes it. */
const adam: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const [w, m, v, g] = ['w', 'm', 'v', 'g'].map((k) => readInput(backend, inputs, k));
  const out = adamStepValues(w, m, v, g, attrs as unknown as AdamStepAttrs);
  return output(backend, inputOf(inputs, 'w').shape, out);
};

/** The op kernels the fake backend has (the conv block's gradient kernels, GRAD and the rest: composites). */
export const FAKE_KERNELS: ReadonlyMap<string, tf.KernelFunc> = new Map([
  [CONV_BLOCK, convBlock],
  [BATCH_NORM_MOMENTS, moments],
  [BATCH_NORM_APPLY, apply],
  [ADAM_UPDATE, adam],
]);

/** Registers backend `name`: every cpu kernel plus FAKE_KERNELS (idempotent). */
export function registerFakeBackend(name: string): void {
  if (tf.findBackendFactory(name) !== null) return;
  tf.registerBackend(name, () => new MathBackendCPU(), -1);
  for (const k of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...k, backendName: name });
  for (const [kernelName, kernelFunc] of FAKE_KERNELS)
    tf.registerKernel({ kernelName, backendName: name, kernelFunc });
}
