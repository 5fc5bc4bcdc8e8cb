// The calling side of a conv helper thread, for every host: Node starts a worker thread
// (conv-helper-node.ts), a cross-origin isolated page's worker a nested Web Worker (conv-helper-browser.ts);
// the rest is here. Kernels are synchronous, so the caller blocks on Atomics.wait for the helper (never the
// other way round). A blocked thread sees no worker events, so every failure of the helper is also written to
// shared memory (conv-worker-core.ts), and no wait is unbounded while the helper has not yet said it is ready.
import type { ConvHelper } from '../../platform/platform.js';

/** How long the helper may take to load tfjs and its wasm before it counts as failed (seconds on a busy host). */
export const START_TIMEOUT_MS = 30_000;

/** The shared memory of one helper: ctrl (2 int32: job state, start-up state) and err (its error text). */
export interface HelperBuffers {
  ctrlSab: SharedArrayBuffer;
  errSab: SharedArrayBuffer;
}

/** What differs between hosts: how a message reaches the helper, how it ends, why it ended (if it has). */
export interface HelperThread {
  post(message: object): void;
  terminate(): Promise<void>;
  /** A one-line reason once the helper is known to have failed or ended (its host's events); else undefined. */
  exited(): string | undefined;
}

export function helperBuffers(): HelperBuffers {
  return { ctrlSab: new SharedArrayBuffer(8), errSab: new SharedArrayBuffer(4096) };
}

/** The helper's error text as one line: the first line of its stack ("Error: ..."). */
export function firstLine(text: string): string {
  return text.replace(/\0+$/, '').trim().split('\n')[0] || 'no reason given';
}

/**
 * Blocks until ctrl[index] is set or the helper has failed (ctrl[1] = 2), at most `timeoutMs`; throws a
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
 * The ConvHelper over a started `thread` and its `buffers`. `ready()` waits for it asynchronously (the host's
 * events and a deadline); the first job waits synchronously, with the same deadline, when ready() was never
 * awaited.
 */
export function convHelperOver(
  thread: HelperThread,
  { ctrlSab, errSab }: HelperBuffers,
  startTimeoutMs = START_TIMEOUT_MS,
): ConvHelper {
  const ctrl = new Int32Array(ctrlSab);
  const err = new Uint8Array(errSab);
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
              : (thread.exited() ??
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
      thread.post({ ...job, sab });
    },
    // A job has no deadline (a large batch takes long); a helper that dies during it reports through ctrl[1].
    wait: (what) => waitFor(ctrl, err, 0, what, Number.POSITIVE_INFINITY),
    dispose: () => thread.terminate(),
  };
}
