import * as tfCore from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('@ct3d/model public API', () => {
  it('exports the builders, helpers and the shared tf namespace', () => {
    for (const name of [
      'buildSeedModel',
      'formatSummary',
      'initBackend',
      'saveModel',
      'loadModel',
      'countParams',
    ]) {
      expect(typeof (api as Record<string, unknown>)[name]).toBe('function');
    }
    expect(typeof api.tf.layers.conv3d).toBe('function');
    expect(typeof api.tf.conv3d).toBe('function');
  });

  it('re-exports the same tfjs-core engine that a plain import gets (one tfjs instance)', () => {
    expect(api.tf.engine()).toBe(tfCore.engine());
  });
});
