// The training worker's pool of preprocessing workers (nested dedicated workers running preprocess-worker.ts,
// min(hardwareConcurrency, 4) of them): the scans are preprocessed side by side, each volume put in the
// store as it arrives. Each worker holds one scan at a time, so at most the pool's size of volumes are in
// memory. The scans come back in plan order whatever order they finish in: the split and the weights depend
// on it (the same as `ct3d train` on the same files).
import type { TransformEntry } from '@ct3d/augment';
import type { Volume } from '@ct3d/core';
import { describeError } from '@ct3d/pipeline/browser';
import type { StoredScan, VolumeStore } from '@ct3d/train/browser';
import type { ScanSource } from '../scan-sources.js';
import { type PreprocessJob, preprocessJob } from './preprocess-scan.js';
import type { FromPreprocessWorker, FromTrainWorker } from './protocol.js';

/** How many preprocessing workers a pool starts here: min(hardwareConcurrency, 4), at least 1. */
export function poolSize(): number {
  return Math.max(1, Math.min(navigator.hardwareConcurrency || 1, 4));
}

/** Thrown into the jobs in flight when the pool is stopped. */
class PoolStopped extends Error {}

function startWorker(): Worker {
  return new Worker(new URL('./preprocess-worker.js', import.meta.url), { type: 'module' });
}

/** Workers that each preprocess one job at a time; stop() ends them all, whatever they are doing. */
class PreprocessPool {
  readonly workers: Worker[];
  stopped = false;
  private readonly inFlight = new Set<(err: Error) => void>();

  constructor(size: number) {
    this.workers = Array.from({ length: size }, startWorker);
  }

  /** Lane `lane`'s worker preprocesses `job`; a worker that dies is replaced and its job fails with why. */
  run(lane: number, job: PreprocessJob): Promise<FromPreprocessWorker> {
    const worker = this.workers[lane];
    return new Promise<FromPreprocessWorker>((resolve, reject) => {
      const settle = () => {
        this.inFlight.delete(reject);
        worker.onmessage = null;
        worker.onerror = null;
      };
      worker.onmessage = (e: MessageEvent<FromPreprocessWorker>) => {
        settle();
        resolve(e.data);
      };
      worker.onerror = (e) => {
        e.preventDefault();
        settle();
        worker.terminate();
        if (!this.stopped) this.workers[lane] = startWorker();
        resolve({ id: job.id, error: `the preprocessing worker failed (${e.message || 'no reason given'})` });
      };
      this.inFlight.add(reject);
      worker.postMessage(job);
    });
  }

  stop(): void {
    this.stopped = true;
    for (const w of this.workers) w.terminate();
    for (const reject of this.inFlight) reject(new PoolStopped('stopped'));
    this.inFlight.clear();
  }
}

export interface PlannedScan {
  source: ScanSource;
  id: string;
  label: number;
}

export interface ScanPreparation {
  /** The scans preprocessed and stored, in plan order (those that failed left out, each said on the page). */
  scans: Promise<StoredScan[]>;
  /** Ends the pool's workers: `scans` then resolves with what was stored so far. */
  stop(): void;
}

/**
 * Preprocesses the planned scans on a pool of workers into `store`, posting the pool's size, each scan's
 * `prepared` (ms from its dispatch to its volume's return) or `scan-failed` (one line naming it), and the
 * whole preprocessing's time.
 */
export function prepareScans(opts: {
  planned: PlannedScan[];
  size: [number, number, number];
  steps: TransformEntry[];
  store: VolumeStore;
  post: (message: FromTrainWorker) => void;
  workers?: number;
}): ScanPreparation {
  const { planned, store, post } = opts;
  const pool = new PreprocessPool(Math.min(opts.workers ?? poolSize(), Math.max(1, planned.length)));
  post({ type: 'pool', workers: pool.workers.length });
  const stored: (StoredScan | null)[] = planned.map(() => null);
  const t0 = performance.now();
  let next = 0;
  let failed = 0;
  const take = async (i: number, result: FromPreprocessWorker, ms: number) => {
    const p = planned[i];
    if ('volume' in result) {
      const volume: Volume = result.volume;
      try {
        await store.put(p.id, volume);
        stored[i] = { id: p.id, source: p.id, label: p.label, shape: volume.shape };
        return post({ type: 'prepared', scan: i, ms });
      } catch (err) {
        result = { id: p.id, error: describeError(err) };
      }
    }
    failed++;
    const text = result.error;
    post({ type: 'scan-failed', scan: i, message: text.startsWith(`${p.id}: `) ? text : `${p.id}: ${text}` });
  };
  const lane = async (w: number) => {
    while (next < planned.length && !pool.stopped) {
      const i = next++;
      const started = performance.now();
      const job = preprocessJob(planned[i].source, planned[i].id, opts.size, opts.steps);
      await take(i, await pool.run(w, job), performance.now() - started);
    }
  };
  // Stopped by the caller: the lanes may end normally (a Stop while they store), yet this is no finished pass.
  let stopped = false;
  const lanes = pool.workers.map((_, w) => lane(w));
  const scans = Promise.all(lanes).then(
    () => {
      pool.stop();
      const done = stored.filter((s) => s !== null);
      if (!stopped) post({ type: 'preprocessed', ms: performance.now() - t0, scans: done.length, failed });
      return done;
    },
    (err: unknown) => {
      pool.stop();
      if (err instanceof PoolStopped) return stored.filter((s) => s !== null);
      throw err;
    },
  );
  return {
    scans,
    stop: () => {
      stopped = true;
      pool.stop();
    },
  };
}
