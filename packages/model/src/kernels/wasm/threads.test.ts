import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getConvThreads, setConvThreads } from './index.js';
import { expectConvMatchesCpu, type Shape5, useWasmWithFastKernels } from './test-util.js';

describe('conv kernels split over two threads (worker with its own wasm instance)', () => {
  beforeAll(useWasmWithFastKernels);
  afterAll(() => setConvThreads(2));

  it.each([1, 2] as const)('threads=%d matches cpu for odd batches and dims', async (threads) => {
    setConvThreads(threads);
    expect(getConvThreads()).toBe(threads);
    for (const [xs, fs] of [
      [
        [3, 7, 6, 9, 5],
        [3, 3, 3, 5, 7],
      ],
      [
        [2, 5, 8, 6, 1],
        [3, 3, 3, 1, 6],
      ],
    ] as [Shape5, Shape5][]) {
      await expectConvMatchesCpu(xs, fs, 21);
    }
  });
});
