// The Node conv helper: a worker thread with its own wasm instance (conv-worker.ts). Kernels are synchronous,
// so the caller blocks on Atomics.wait for the worker (never the other way round).
import { Worker } from 'node:worker_threads';
import { siblingModule, workerPreload } from '@ct3d/core/node';
import type { ConvHelper } from '../../platform/platform.js';

/** Blocks until ctrl[index] is set; 2 there (or in ctrl[0]) is the worker's failure, whose text is in err. */
function waitFor(ctrl: Int32Array, err: Uint8Array, index: number, what: string): void {
  while (Atomics.load(ctrl, index) === 0) Atomics.wait(ctrl, index, 0, 1000);
  if (Atomics.load(ctrl, index) === 2 || Atomics.load(ctrl, 0) === 2) {
    const text = new TextDecoder().decode(err.slice()).replace(/\0+$/, '');
    throw new Error(`conv worker failed during ${what}: ${text}`);
  }
}

/** Starts the worker and waits until its modules have loaded (a failed import is reported, not hung on). */
export function startNodeConvHelper(): ConvHelper {
  const entry = siblingModule(import.meta.url, 'conv-worker').href;
  const preload = workerPreload(entry);
  const load = preload
    ? `import(${JSON.stringify(preload)}).then(() => import(${JSON.stringify(entry)}))`
    : `import(${JSON.stringify(entry)})`;
  // A failed import is reported through the shared error buffer: the main thread is blocked in Atomics.wait.
  const code = [
    "const { workerData } = require('node:worker_threads');",
    load,
    '.catch((e) => { const v = new Uint8Array(workerData.errSab); v.set(new TextEncoder().encode(String(e && e.stack || e)).subarray(0, 4000));',
    'const c = new Int32Array(workerData.ctrlSab); Atomics.store(c, 1, 2); Atomics.notify(c, 1); });',
  ].join('\n');
  const ctrlSab = new SharedArrayBuffer(8);
  const errSab = new SharedArrayBuffer(4096);
  const worker = new Worker(code, { eval: true, workerData: { ctrlSab, errSab } });
  worker.unref();
  const ctrl = new Int32Array(ctrlSab);
  const err = new Uint8Array(errSab);
  let sab = new SharedArrayBuffer(4);
  const helper: ConvHelper = {
    buffer(floats) {
      if (sab.byteLength < floats * 4) sab = new SharedArrayBuffer(floats * 4);
      return sab;
    },
    post(job) {
      Atomics.store(ctrl, 0, 0);
      worker.postMessage({ ...job, sab });
    },
    wait: (what) => waitFor(ctrl, err, 0, what),
    dispose: async () => {
      await worker.terminate();
    },
  };
  try {
    waitFor(ctrl, err, 1, 'start-up');
  } catch (e) {
    void worker.terminate();
    throw e;
  }
  return helper;
}
