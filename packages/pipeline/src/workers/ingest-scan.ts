import { createHash } from 'node:crypto';
import { access, readFile } from 'node:fs/promises';
import { writeNifti } from '@ct3d/io/node';
import { describeError, processBytes } from '../scan-work.js';
import type { IngestResult, IngestTask } from '../tasks.js';

/** Thin worker wrapper: read, hash, decode + processScan, write the cache file. Bad scans become results. */
export async function ingestScan(task: IngestTask): Promise<IngestResult> {
  const t0 = performance.now();
  const ms = () => performance.now() - t0;
  try {
    const bytes = new Uint8Array(await readFile(task.source));
    const tRead = ms();
    const sourceHash = createHash('sha256').update(bytes).digest('hex');
    const tHash = ms();
    if (task.knownHash === sourceHash && (await exists(task.cacheFile))) {
      return { kind: 'unchanged', sourceHash, ms: ms() };
    }
    const done = processBytes(bytes, { size: task.size, name: task.source });
    const tWrite = ms();
    await writeNifti(done.volume, task.cacheFile, { datatype: 'float32' });
    const total = ms();
    const stages = {
      read: tRead,
      hash: tHash - tRead,
      decode: done.decodeMs,
      preprocess: done.preprocessMs,
      write: total - tWrite,
    };
    const { volume, sourceShape, nonFinite } = done;
    return { kind: 'written', sourceHash, shape: volume.shape, sourceShape, nonFinite, ms: total, stages };
  } catch (error) {
    return { kind: 'failed', reason: describeError(error), ms: ms() };
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
