import { availableParallelism } from 'node:os';
import { siblingModule, workerExecArgv } from '@ct3d/core/node';
import { Piscina } from 'piscina';
import type { IngestResult, IngestTask, LoadItemTask } from './tasks.js';

/** The worker threads shared by ingest and training; each method is one task run on one worker. */
export interface WorkerPool {
  readonly threads: number;
  /** Read + hash + decode + processScan + write the cached float32 .nii. Never rejects for a bad scan. */
  ingestScan(task: IngestTask, signal?: AbortSignal): Promise<IngestResult>;
  /** Read a cached volume, optionally rotate it, and return it channels-last (buffer transferred). */
  loadItem(task: LoadItemTask, signal?: AbortSignal): Promise<Float32Array>;
  /** Share of the threads' time spent running tasks since the pool started (0..1), for dashboards. */
  utilization(): number;
  close(): Promise<void>;
}

export interface WorkerPoolOptions {
  /** Threads; default os.availableParallelism(). */
  workers?: number;
  /** Worker module exporting `ingestScan` and `loadItem`; default ./workers/entry (.ts or .js like this file). */
  filename?: string | URL;
  /** ms an idle thread lives; default: threads stay for the pool's lifetime. */
  idleTimeout?: number;
}

export function createWorkerPool(opts: WorkerPoolOptions = {}): WorkerPool {
  const threads = opts.workers ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1) {
    throw new Error(`createWorkerPool: workers must be an integer >= 1, got ${opts.workers}`);
  }
  const filename = String(opts.filename ?? siblingModule(import.meta.url, 'workers/entry'));
  const piscina = new Piscina({
    filename,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: opts.idleTimeout ?? Number.POSITIVE_INFINITY,
    execArgv: workerExecArgv(filename),
  });
  // A worker that dies (e.g. its module fails to load) also rejects the task it was running, which is where
  // callers see the error; without a listener Piscina's 'error' event would crash the process instead.
  piscina.on('error', () => undefined);
  let closed: Promise<void> | undefined;
  return {
    threads,
    ingestScan: (task, signal) => piscina.run(task, { name: 'ingestScan', signal }),
    loadItem: (task, signal) => piscina.run(task, { name: 'loadItem', signal }),
    utilization: () => piscina.utilization,
    close: () => {
      closed ??= piscina.close();
      return closed;
    },
  };
}
