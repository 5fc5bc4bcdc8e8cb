// The Node conv helper: a worker thread with its own wasm instance (conv-worker.ts); the protocol is
// conv-helper.ts's, shared with pages.
import { Worker } from 'node:worker_threads';
import { siblingModule, workerPreload } from '@ct3d/core/node';
import type { ConvHelper } from '../../platform/platform.js';
import { convHelperOver, firstLine, helperBuffers, START_TIMEOUT_MS } from './conv-helper.js';

export { START_TIMEOUT_MS } from './conv-helper.js';

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
 * Starts the worker thread running `entry` (the conv worker; tests start others). It runs with no inherited
 * Node flags: the parent's (`--input-type=module -e ...`, loaders) would change how its start-up code runs.
 */
export function startNodeConvHelper(
  entry: URL = siblingModule(import.meta.url, 'conv-worker'),
  startTimeoutMs = START_TIMEOUT_MS,
): ConvHelper {
  const buffers = helperBuffers();
  const worker = new Worker(startCode(entry.href), { eval: true, execArgv: [], workerData: buffers });
  worker.unref();
  // An 'error' event with no listener would end the process; the failure is read from shared memory instead.
  let exited: string | undefined;
  worker.on('error', (e) => {
    exited ??= firstLine(String(e?.stack ?? e));
  });
  worker.on('exit', (code) => {
    exited ??= `the thread exited with code ${code}`;
  });
  const thread = {
    post: (message: object) => worker.postMessage(message),
    terminate: async () => {
      await worker.terminate();
    },
    exited: () => exited,
  };
  return convHelperOver(thread, buffers, startTimeoutMs);
}
