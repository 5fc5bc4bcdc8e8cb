import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { siblingModule, workerExecArgv } from '@ct3d/core/node';
import { Piscina } from 'piscina';
import { type IngestResult, type IngestTask, type LoadItemTask, THREAD_STARTED } from './tasks.js';

/** How long the threads may take to load their module before the pool counts as failed (seconds when busy). */
export const POOL_START_TIMEOUT_MS = 30_000;

/** The worker threads shared by ingest and training; each method is one task run on one worker. */
export interface WorkerPool {
  readonly threads: number;
  /** Read + hash + decode + processScan + write the cached float32 .nii. Never rejects for a bad scan. */
  ingestScan(task: IngestTask, signal?: AbortSignal): Promise<IngestResult>;
  /** Read a cached volume, optionally rotate it, and return it channels-last (buffer transferred). */
  loadItem(task: LoadItemTask, signal?: AbortSignal): Promise<Float32Array>;
  /** Share of the threads' time spent running tasks since the pool started (0..1), for dashboards. */
  utilization(): number;
  /** Ends the worker threads once their tasks are done. */
  close(): Promise<void>;
}

/** Options of createWorkerPool. */
export interface WorkerPoolOptions {
  /** Threads; default os.availableParallelism(). */
  workers?: number;
  /** Worker module exporting `ingestScan` and `loadItem`; default ./workers/entry (.ts or .js like this file). */
  filename?: string | URL;
  /** ms an idle thread lives; default: threads stay for the pool's lifetime. */
  idleTimeout?: number;
  /** How long the threads may take to load `filename`; default POOL_START_TIMEOUT_MS. */
  startTimeoutMs?: number;
}

/** A pool of worker threads for ingest and training batches, shared by both. */
export function createWorkerPool(opts: WorkerPoolOptions = {}): WorkerPool {
  const threads = opts.workers ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1) {
    throw new Error(`createWorkerPool: workers must be an integer >= 1, got ${opts.workers}`);
  }
  const given = opts.filename ?? siblingModule(import.meta.url, 'workers/entry');
  const filename = String(given).startsWith('file:') ? String(given) : pathToFileURL(String(given)).href;
  const boot = String(siblingModule(import.meta.url, 'workers/boot'));
  const piscina = new Piscina({
    filename: boot,
    workerData: { tasks: filename },
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: opts.idleTimeout ?? Number.POSITIVE_INFINITY,
    // Explicit: a worker never inherits the parent's flags (`--input-type=module -e ...` would break it).
    execArgv: workerExecArgv(boot).length > 0 ? workerExecArgv(boot) : workerExecArgv(filename),
  });
  // A worker that dies (e.g. its module fails to load) also rejects the task it was running, which is where
  // callers see the error; without a listener Piscina's 'error' event would crash the process instead.
  piscina.on('error', () => undefined);
  // Piscina hands tasks to the first threads before they have loaded: one that never finishes loading
  // would hold its tasks for ever. Each thread says when it has started; past the deadline the pool fails.
  let started = 0;
  let failure: Error | undefined;
  let fail: (err: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  failed.catch(() => undefined);
  const timeoutMs = opts.startTimeoutMs ?? POOL_START_TIMEOUT_MS;
  const deadline = setTimeout(() => {
    failure = new Error(
      `worker pool: ${threads - started} of ${threads} threads did not start within ${timeoutMs / 1000} s (${filename})`,
    );
    fail(failure);
    void piscina.destroy();
  }, timeoutMs);
  deadline.unref();
  piscina.on('message', (m: unknown) => {
    if (typeof m === 'object' && m !== null && THREAD_STARTED in m && ++started === threads)
      clearTimeout(deadline);
  });
  const run = <T>(
    task: unknown,
    name: string,
    signal?: AbortSignal,
    transferList?: ArrayBuffer[],
  ): Promise<T> =>
    failure
      ? Promise.reject(failure)
      : Promise.race([piscina.run(task, { name, signal, transferList }) as Promise<T>, failed]);
  let closed: Promise<void> | undefined;
  return {
    threads,
    // A series' bytes move to the worker (no copy; the caller's buffer is detached).
    ingestScan: (task, signal) =>
      run(task, 'ingestScan', signal, task.sourceBytes ? [task.sourceBytes.buffer] : undefined),
    loadItem: (task, signal) => run(task, 'loadItem', signal),
    utilization: () => piscina.utilization,
    close: () => {
      clearTimeout(deadline);
      closed ??= failure ? piscina.destroy() : piscina.close();
      return closed;
    },
  };
}
