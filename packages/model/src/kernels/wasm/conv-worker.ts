// Worker thread: its own tfjs wasm instance (XNNPACK) runs the second half of each conv kernel call.
// Protocol: ctrl[0] = 0 busy / 1 done / 2 failed (error text in `err`); ctrl[1] = 1 once initialised.
import { parentPort, workerData } from 'node:worker_threads';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { type ConvJob, runConvJob } from './conv-job.js';
import { Heap, type WasmBackendLike } from './heap.js';

const { ctrlSab, errSab } = workerData as { ctrlSab: SharedArrayBuffer; errSab: SharedArrayBuffer };
const ctrl = new Int32Array(ctrlSab);

function signal(index: number, value: number): void {
  Atomics.store(ctrl, index, value);
  Atomics.notify(ctrl, index);
}

function fail(err: unknown): void {
  const bytes = new TextEncoder().encode(String(err instanceof Error ? err.stack : err)).subarray(0, 4000);
  const view = new Uint8Array(errSab);
  view.fill(0);
  view.set(bytes);
  signal(0, 2);
}

try {
  await tf.setBackend('wasm');
  const heap = new Heap(tf.backend() as unknown as WasmBackendLike);
  parentPort?.on('message', (job: ConvJob) => {
    try {
      runConvJob(heap, job);
      signal(0, 1);
    } catch (err) {
      fail(err);
    }
  });
  signal(1, 1);
} catch (err) {
  fail(err);
  signal(1, 2);
}
