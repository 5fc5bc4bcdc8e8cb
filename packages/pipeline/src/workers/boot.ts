// Every pool thread runs this module first: it imports the task module (workerData.tasks, default
// ./entry), then tells the pool it has started. A module that throws or exits fails its tasks at once
// (Piscina rejects them); one that never finishes loading is caught by the pool's start-up deadline.
import { parentPort, workerData } from 'node:worker_threads';
import { type IngestResult, type IngestTask, type LoadItemTask, THREAD_STARTED } from '../tasks.js';

type Tasks = {
  ingestScan(task: IngestTask): Promise<IngestResult>;
  loadItem(task: LoadItemTask): Promise<Float32Array>;
};

const file = (workerData as { tasks: string }).tasks;
let tasks: Tasks;
try {
  tasks = (await import(file)) as Tasks;
} catch (err) {
  throw new Error(
    `${file}: the worker module failed to load: ${String((err as Error)?.message ?? err).split('\n')[0]}`,
  );
}
parentPort?.postMessage({ [THREAD_STARTED]: true });

export const ingestScan = (task: IngestTask) => tasks.ingestScan(task);
export const loadItem = (task: LoadItemTask) => tasks.loadItem(task);
