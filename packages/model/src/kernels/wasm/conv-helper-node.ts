// The Node conv helper: a worker thread with its own wasm instance (conv-worker.ts). Kernels are synchronous,
// so the caller blocks on Atomics.wait for the worker (never the other way round). A blocked thread sees no
// worker events, so every failure of the worker is also written to shared memory, and no wait is unbounded
// while the worker has not yet said it is ready.
import { Worker } from 'node:worker_threads';
import { siblingModule, workerPreload } from '@ct3d/core/node';
import type { ConvHelper } from '../../platform/platform.js';

/** How long the worker may take to load tfjs and its wasm before it counts as failed (seconds on a busy host). */
export const START_TIMEOUT_MS = 30_000;

/** The worker's error text as one line: the first line of its stack ("Error: ..."). */
function firstLine(text: string): string {
  return text.replace(/\0+$/, '').trim().split('\n')[0] || 'no reason given';
}

/**
 * The worker's start-up code (CommonJS, run with eval): it imports the entry module and reports, through the
 * shared buffers, a failed import, an uncaught error or an exit at any time (ctrl[1] = 2, text in err).
 */
function startCode(entry: string): string {
  const preload = workerPreload(entry);
  const load = preload
    ? `import(${JSON.stringify(preload)}).then(() => import(${JSON.stringify(entry)}))`
    : `import(${JSON.stringify(entry)})`;
  return `const { workerData } = require('node:worker_threads');
const ctrl = new Int32Array(workerData.ctrlSab);
const report = (text) => {
  if (Atomics.load(ctrl, 1) !== 2) new Uint8Array(workerData.errSab).set(new TextEncoder().encode(text).subarray(0, 4000));
  Atomics.store(ctrl, 1, 2);
  Atomics.notify(ctrl, 1);
  Atomics.notify(ctrl, 0);
};
const reason = (e) => String((e && e.stack) || e);
process.on('uncaughtException', (e) => { report(reason(e)); process.exit(1); });
process.on('exit', (code) => report('the thread exited with code ' + code));
${load}.catch((e) => report(reason(e)));`;
}

/**
 * Blocks until ctrl[index] is set or the worker has failed (ctrl[1] = 2), at most `timeoutMs`; throws a
 * one-line error naming `what` on failure or time-out.
 */
function waitFor(ctrl: Int32Array, err: Uint8Array, index: number, what: string, timeoutMs: number): void {
  const end = performance.now() + timeoutMs;
  while (Atomics.load(ctrl, index) === 0 && Atomics.load(ctrl, 1) !== 2) {
    const left = end - performance.now();
    if (left <= 0)
      throw new Error(`conv helper thread: no answer during ${what} within ${timeoutMs / 1000} s`);
    Atomics.wait(ctrl, index, 0, Math.min(1000, left));
  }
  if (Atomics.load(ctrl, index) === 2 || Atomics.load(ctrl, 1) === 2) {
    const text = firstLine(new TextDecoder().decode(err.slice()));
    throw new Error(`conv helper thread failed during ${what}: ${text}`);
  }
}

/**
 * Starts the worker thread running `entry` (the conv worker; tests start others). It runs with no inherited
 * Node flags: the parent's (`--input-type=module -e ...`, loaders) would change how its start-up code runs.
 * `ready()` waits for it asynchronously (worker events and a deadline); the first job waits synchronously,
 * with the same deadline, when ready() was never awaited.
 */
export function startNodeConvHelper(
  entry: URL = siblingModule(import.meta.url, 'conv-worker'),
  startTimeoutMs = START_TIMEOUT_MS,
): ConvHelper {
  const ctrlSab = new SharedArrayBuffer(8);
  const errSab = new SharedArrayBuffer(4096);
  const worker = new Worker(startCode(entry.href), {
    eval: true,
    execArgv: [],
    workerData: { ctrlSab, errSab },
  });
  worker.unref();
  const ctrl = new Int32Array(ctrlSab);
  const err = new Uint8Array(errSab);
  // An 'error' event with no listener would end the process; the failure is read from shared memory instead.
  let exited: string | undefined;
  worker.on('error', (e) => {
    exited ??= firstLine(String(e?.stack ?? e));
  });
  worker.on('exit', (code) => {
    exited ??= `the thread exited with code ${code}`;
  });
  let started = false;
  const startUp = () => {
    if (!started) waitFor(ctrl, err, 1, 'start-up', startTimeoutMs);
    started = true;
  };
  let sab = new SharedArrayBuffer(4);
  return {
    ready: () =>
      new Promise<void>((resolve, reject) => {
        const begun = performance.now();
        const poll = setInterval(() => {
          const state = Atomics.load(ctrl, 1);
          if (state === 1) {
            clearInterval(poll);
            started = true;
            return resolve();
          }
          const failure =
            state === 2
              ? firstLine(new TextDecoder().decode(err.slice()))
              : (exited ??
                (performance.now() - begun > startTimeoutMs
                  ? `no answer within ${startTimeoutMs / 1000} s`
                  : undefined));
          if (failure === undefined) return;
          clearInterval(poll);
          reject(new Error(`conv helper thread failed to start: ${failure}`));
        }, 10);
      }),
    buffer(floats) {
      if (sab.byteLength < floats * 4) sab = new SharedArrayBuffer(floats * 4);
      return sab;
    },
    post(job) {
      startUp();
      Atomics.store(ctrl, 0, 0);
      worker.postMessage({ ...job, sab });
    },
    // A job has no deadline (a large batch takes long); a worker that dies during it reports through ctrl[1].
    wait: (what) => waitFor(ctrl, err, 0, what, Number.POSITIVE_INFINITY),
    dispose: async () => {
      await worker.terminate();
    },
  };
}
