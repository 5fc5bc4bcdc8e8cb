// One scan's preprocessing on the training page, as `ct3d ingest` runs it (@ct3d/pipeline's processBytes or
// processDicomBytes, then the cache's float32 encoding): the one function each preprocessing worker runs
// (preprocess-worker.ts). A job holds only what a worker message can carry: the scan's File or the series'
// Blobs, read in the worker that preprocesses them.
import type { TransformEntry } from '@ct3d/augment';
import type { Volume } from '@ct3d/core';
import { DEFAULT_MAX_BYTES } from '@ct3d/io';
import { cachedVolume, processBytes, processDicomBytes } from '@ct3d/pipeline/browser';
import type { ScanSource } from '../scan-sources.js';

/** A scan to preprocess: `id` is its path in the drop (the store's key, the run's id). */
export type PreprocessJob = {
  id: string;
  name: string;
  size: [number, number, number];
  steps: TransformEntry[];
} & ({ file: File } | { series: { name: string; blob: Blob }[] });

/** The job for `source` (its File, or its series' files), stored as `id`. */
export function preprocessJob(
  source: ScanSource,
  id: string,
  size: [number, number, number],
  steps: TransformEntry[],
): PreprocessJob {
  const common = { id, name: source.facts.name, size, steps };
  if ('file' in source) return { ...common, file: source.file };
  return { ...common, series: source.series.files.map((f) => ({ name: f.name, blob: f.blob })) };
}

/** The job's scan preprocessed by the recipe, as ingest stores it (float32 voxels, as read back from the cache). */
export async function preprocessScan(job: PreprocessJob): Promise<Volume> {
  const scan = { size: job.size, name: job.name, maxBytes: DEFAULT_MAX_BYTES, preprocess: job.steps };
  let volume: Volume;
  if ('file' in job) volume = processBytes(new Uint8Array(await job.file.arrayBuffer()), scan).volume;
  else {
    const files = [];
    for (const f of job.series)
      files.push({ name: f.name, bytes: new Uint8Array(await f.blob.arrayBuffer()) });
    volume = (await processDicomBytes(files, scan)).volume;
  }
  return cachedVolume(volume, job.id).volume;
}
