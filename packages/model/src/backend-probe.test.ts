// The gradient probe must reject stock tfjs wasm, whose Conv3DBackpropInputV2 is wrong (tfjs 4.22).
// Own file: vitest isolates files, so the fast wasm kernels registered elsewhere are absent here.
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { verifyBackendGradients } from './backend-probe.js';
import * as tf from './tf.js';

describe('verifyBackendGradients', () => {
  it('accepts the reference cpu backend itself', async () => {
    expect(await verifyBackendGradients('cpu')).toBe(0);
  });

  it('rejects stock tfjs wasm 3D gradients', async () => {
    await expect(verifyBackendGradients('wasm')).rejects.toThrow(/probe differs from cpu by/);
    await tf.setBackend('cpu');
  });
});
