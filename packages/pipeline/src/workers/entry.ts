// The pool's worker module: Piscina picks the export by task name. Each task's module is imported on first
// use, so an ingest-only pool never loads the augmentation code (and starts faster).
import type { IngestResult, IngestTask, LoadItemTask } from '../tasks.js';

export async function ingestScan(task: IngestTask): Promise<IngestResult> {
  return (await import('./ingest-scan.js')).ingestScan(task);
}

export async function loadItem(task: LoadItemTask): Promise<Float32Array> {
  return (await import('./load-item.js')).loadItem(task);
}
