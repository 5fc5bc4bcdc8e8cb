import { describe, expect, it, vi } from 'vitest';
import { initBackend } from './backend.js';
import * as tf from './tf.js';

describe('initBackend', () => {
  it("'cpu' selects the pure-JS backend", async () => {
    const choice = await initBackend('cpu');
    expect(choice.name).toBe('cpu');
    expect(choice.detail).toMatch(/pure-JS/);
    expect(tf.getBackend()).toBe('cpu');
  });

  it("'auto' says why each faster candidate was not used, without printing it", async () => {
    const warn = vi.spyOn(console, 'warn');
    const choice = await initBackend('auto');
    expect(['tensorflow', 'webgpu', 'wasm', 'cpu']).toContain(choice.name);
    expect(tf.getBackend()).toBe(choice.name);
    // Every candidate before the chosen one appears once, in order, with its rejection reason.
    const order = ['tensorflow', 'webgpu', 'wasm', 'cpu'];
    const before = order.slice(0, order.indexOf(choice.name));
    expect(choice.rejected.map((r) => r.split(':')[0])).toEqual(before);
    if (choice.name !== 'tensorflow') expect(choice.rejected[0]).toMatch(/@tensorflow\/tfjs-node(-gpu)? /);
    // Only the slow fallback warns (once); a faster choice prints nothing.
    expect(warn).toHaveBeenCalledTimes(choice.name === 'cpu' ? 1 : 0);
    expect(choice.warning === undefined).toBe(choice.name !== 'cpu');
    warn.mockRestore();
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
