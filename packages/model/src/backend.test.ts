import { describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import * as tf from './tf.js';

describe('initBackend', () => {
  it("'cpu' selects the pure-JS backend", async () => {
    const choice = await initBackend('cpu');
    expect(choice.name).toBe('cpu');
    expect(choice.detail).toMatch(/pure-JS/);
    expect(tf.getBackend()).toBe('cpu');
  });

  it("'auto' logs why each faster candidate was or was not used", async () => {
    const choice = await initBackend('auto');
    expect(['tensorflow', 'webgpu', 'wasm', 'cpu']).toContain(choice.name);
    expect(tf.getBackend()).toBe(choice.name);
    // Every candidate before the chosen one appears with its rejection reason.
    const order = ['tensorflow', 'webgpu', 'wasm', 'cpu'];
    for (const name of order.slice(0, order.indexOf(choice.name) + 1)) {
      expect(choice.detail).toContain(`${name}: `);
    }
    if (choice.name !== 'tensorflow') expect(choice.detail).toMatch(/@tensorflow\/tfjs-node(-gpu)? /);
    // The chosen backend still computes.
    expect(Array.from(tf.tidy(() => tf.add(tf.tensor1d([1, 2]), 1).dataSync()))).toEqual([2, 3]);
  });

  it('a named backend that cannot be used throws instead of falling back', async () => {
    const tensorflow = await import(/* @vite-ignore */ ['@tensorflow', 'tfjs-node'].join('/')).then(
      () => true,
      () => false,
    );
    if (!tensorflow) {
      await expect(initBackend('tensorflow')).rejects.toThrow(
        /backend 'tensorflow' unavailable: .*not installed/,
      );
      expect(tf.getBackend()).toBe('cpu');
    }
    await expect(initBackend('nope' as 'cpu')).rejects.toThrow(/unknown backend 'nope'/);
  });
});
