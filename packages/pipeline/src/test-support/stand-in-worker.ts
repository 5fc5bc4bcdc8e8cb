// A stand-in worker module for pool tests: same exports as workers/entry.ts, no @ct3d/* work.
import { threadId } from 'node:worker_threads';
import { move } from 'piscina';
import type { IngestResult, IngestTask, LoadItemTask } from '../tasks.js';

let lastSent: Float32Array | undefined;

export async function ingestScan(task: IngestTask): Promise<IngestResult> {
  return { kind: 'failed', reason: `stand-in on thread ${threadId}: ${task.source}`, ms: 0 };
}

/** Returns [seed, threadId, byteLength of the previously returned buffer (0 once it was transferred)]. */
export async function loadItem(task: LoadItemTask): Promise<Float32Array> {
  const previous = lastSent ? lastSent.byteLength : -1;
  lastSent = Float32Array.of(task.seed, threadId, previous);
  return move(lastSent) as Float32Array;
}
