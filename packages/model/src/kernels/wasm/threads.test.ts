// wasm's conv kernels on one thread and split over two (a worker with its own wasm instance) against cpu.
import { afterAll, expect, it } from 'vitest';
import { describeWithFlags } from '../../test-backends/envs.js';
import type { Shape5 } from '../../test-backends/run.js';
import { expectConvMatchesCpu } from '../test-conv.js';
import { getConvThreads, setConvThreads } from './index.js';

describeWithFlags('conv kernels split over two threads', { envs: ['wasm'] }, (env) => {
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
      await expectConvMatchesCpu(env, xs, fs, 'valid', 21);
    }
  });
});
