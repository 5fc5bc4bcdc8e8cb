// A page's conv helper: a nested Web Worker (conv-worker-browser.ts) with its own wasm instance, started from
// a dedicated worker of a cross-origin isolated page (SharedArrayBuffer, and Atomics.wait, which a page's main
// thread may not call). The protocol is conv-helper.ts's, shared with Node; only the start differs.
import type { ConvHelper, WasmFileLocations } from '../../platform/platform.js';
import { convHelperOver, helperBuffers, START_TIMEOUT_MS } from './conv-helper.js';

/** The helper's script: beside this module, or beside the bundle that holds it (an esbuild ESM bundle). */
export const CONV_WORKER_SCRIPT = 'conv-worker-browser.js';

/** The first message a page's conv helper gets: its shared buffers and where the .wasm files are. */
export interface BrowserHelperStart {
  /** The helper's job state and start-up state (2 int32). */
  ctrlSab: SharedArrayBuffer;
  /** The helper's error text, when it fails. */
  errSab: SharedArrayBuffer;
  /** The .wasm files the calling thread loaded: the helper loads the same builds. */
  files: WasmFileLocations;
}

/**
 * Starts the nested worker running `script` with the wasm `files` the caller loaded. A script that cannot be
 * loaded or throws is a failed start (ready() rejects with one line; the first job throws), never a hang.
 */
export function startBrowserConvHelper(
  files: WasmFileLocations,
  script: URL = new URL(`./${CONV_WORKER_SCRIPT}`, import.meta.url),
  startTimeoutMs = START_TIMEOUT_MS,
): ConvHelper {
  const buffers = helperBuffers();
  let exited: string | undefined;
  let worker: Worker | null = null;
  try {
    worker = new Worker(script, { type: 'module', name: 'ct3d conv helper' });
    // A script that fails to load gives a plain Event (no message), one that throws an ErrorEvent.
    worker.addEventListener('error', (e) => {
      e.preventDefault();
      const message =
        e instanceof ErrorEvent && e.message ? e.message : 'cannot be loaded (missing, or not JavaScript)';
      exited ??= `${script.href}: ${message}`;
    });
    const start: BrowserHelperStart = { ...buffers, files };
    worker.postMessage(start);
  } catch (err) {
    exited = `${script.href}: ${err instanceof Error ? err.message : String(err)}`;
  }
  const thread = {
    post: (message: object) => {
      if (!worker) throw new Error(`conv helper thread did not start: ${exited}`);
      worker.postMessage(message);
    },
    terminate: async () => worker?.terminate(),
    exited: () => exited,
  };
  return convHelperOver(thread, buffers, startTimeoutMs);
}
