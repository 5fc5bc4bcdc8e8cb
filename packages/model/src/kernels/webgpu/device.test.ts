import { toolAvailable } from '@ct3d/test-support';
import { describe, expect, it } from 'vitest';
import { describeAdapter } from './adapter-info.js';
import { createWebGPU } from './device.js';

describe('describeAdapter', () => {
  it('joins the non-empty, distinct adapter fields', () => {
    const info = {
      vendor: 'nvidia',
      architecture: 'hopper',
      device: '',
      description: 'NVIDIA H100',
    } as GPUAdapterInfo;
    expect(describeAdapter(info)).toBe('nvidia / hopper / NVIDIA H100');
    expect(
      describeAdapter({ vendor: '', architecture: '', device: '', description: '' } as GPUAdapterInfo),
    ).toBe('unknown adapter');
  });
});

describe('createWebGPU', () => {
  it('installs navigator.gpu and describes the adapter, or fails with one clear line', async () => {
    const result = await createWebGPU().then(
      (info) => ({ info }),
      (err: Error) => ({ err }),
    );
    if ('err' in result) {
      // Without an adapter only the one-line error is checked; CI (CT3D_REQUIRE_GPU=1) fails here instead.
      expect(result.err.message).toMatch(/^webgpu: no WebGPU adapter/);
      toolAvailable('gpu', false, 'the WebGPU adapter test', result.err.message);
      return;
    }
    const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
    expect(nav?.gpu).toBeDefined();
    expect(result.info.adapter.length).toBeGreaterThan(0);
    if (/llvmpipe|lavapipe|swiftshader/i.test(result.info.adapter)) expect(result.info.software).toBe(true);
    // idempotent: the same adapter description on a second call
    expect((await createWebGPU()).adapter).toBe(result.info.adapter);
  });
});
