// The helper's side of the conv protocol, for every host (conv-worker.ts in Node, conv-worker-browser.ts in a
// page): its own tfjs wasm instance runs the second half of each conv kernel call.
// Protocol: ctrl[0] = 0 busy / 1 done / 2 failed (error text in `err`); ctrl[1] = 1 once initialised, 2 failed.
import * as tf from '@tensorflow/tfjs-core';
import type { HelperBuffers } from './conv-helper.js';
import { type ConvJob, runConvJob } from './conv-job.js';
import { Heap, type WasmBackendLike } from './heap.js';

function signal(ctrl: Int32Array, index: number, value: number): void {
  Atomics.store(ctrl, index, value);
  Atomics.notify(ctrl, index);
}

/** Writes `err`'s stack (4000 bytes at most) where the caller reads it. */
function writeError({ errSab }: HelperBuffers, err: unknown): void {
  const bytes = new TextEncoder().encode(String(err instanceof Error ? err.stack : err)).subarray(0, 4000);
  const view = new Uint8Array(errSab);
  view.fill(0);
  view.set(bytes);
}

/** Reports a failure outside any job (an uncaught error): the caller stops waiting, whatever it waits for. */
export function reportFailure(buffers: HelperBuffers, err: unknown): void {
  const ctrl = new Int32Array(buffers.ctrlSab);
  if (Atomics.load(ctrl, 1) !== 2) writeError(buffers, err);
  signal(ctrl, 1, 2);
  Atomics.notify(ctrl, 0);
}

/**
 * Sets up the wasm backend with `setUp` (the host's way to load it), then runs each job `listen` delivers;
 * says ready (ctrl[1] = 1) or, when set-up fails, failed with the reason.
 */
export async function serveConvJobs(
  buffers: HelperBuffers,
  setUp: () => Promise<void>,
  listen: (onJob: (job: ConvJob) => void) => void,
): Promise<void> {
  const ctrl = new Int32Array(buffers.ctrlSab);
  try {
    await setUp();
    const heap = new Heap(tf.backend() as unknown as WasmBackendLike);
    listen((job) => {
      try {
        runConvJob(heap, job);
        signal(ctrl, 0, 1);
      } catch (err) {
        writeError(buffers, err);
        signal(ctrl, 0, 2);
      }
    });
    signal(ctrl, 1, 1);
  } catch (err) {
    writeError(buffers, err);
    signal(ctrl, 0, 2);
    signal(ctrl, 1, 2);
  }
}
