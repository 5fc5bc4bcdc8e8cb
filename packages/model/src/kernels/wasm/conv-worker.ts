// Node's conv helper thread (conv-helper-node.ts starts it): the shared protocol (conv-worker-core.ts) over
// worker_threads messages.
import { parentPort, workerData } from 'node:worker_threads';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import type { HelperBuffers } from './conv-helper.js';
import { serveConvJobs } from './conv-worker-core.js';

await serveConvJobs(
  workerData as HelperBuffers,
  async () => {
    await tf.setBackend('wasm');
  },
  (onJob) => parentPort?.on('message', onJob),
);
