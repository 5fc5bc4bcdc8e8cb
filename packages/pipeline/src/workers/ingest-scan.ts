import { createHash } from 'node:crypto';
import { access } from 'node:fs/promises';
import { writeFileAtomic } from '@ct3d/core/node';
import { encodeNifti } from '@ct3d/io';
import { readRegularFile } from '@ct3d/io/node';
import { describeError, processBytes } from '../scan-work.js';
import type { IngestResult, IngestTask } from '../tasks.js';

/**
 * Thin worker wrapper: read (a regular file only, within the size bounds), hash, decode + processScan, write
 * the cache file (atomic) and its hash. Bad scans become results.
 */
export async function ingestScan(task: IngestTask): Promise<IngestResult> {
  const t0 = performance.now();
  const ms = () => performance.now() - t0;
  try {
    const bytes = await readRegularFile(task.source, { name: task.source, maxBytes: task.maxBytes });
    const tRead = ms();
    const sourceHash = createHash('sha256').update(bytes).digest('hex');
    const tHash = ms();
    if (task.knownHash === sourceHash && (await exists(task.cacheFile))) {
      return { kind: 'unchanged', sourceHash, ms: ms() };
    }
    const { size, maxBytes, preprocess } = task;
    const done = processBytes(bytes, { size, name: task.source, maxBytes, preprocess });
    const tWrite = ms();
    const encoded = encodeNifti(done.volume, { datatype: 'float32' }, task.cacheFile);
    const fileHash = createHash('sha256').update(encoded).digest('hex');
    await writeFileAtomic(task.cacheFile, encoded).catch((err: NodeJS.ErrnoException) => {
      throw new Error(`cannot write ${task.cacheFile} (${err.code ?? err.message})`);
    });
    const total = ms();
    const stages = {
      read: tRead,
      hash: tHash - tRead,
      decode: done.decodeMs,
      preprocess: done.preprocessMs,
      write: total - tWrite,
    };
    const { volume, sourceShape, nonFinite } = done;
    const shape = volume.shape;
    return { kind: 'written', sourceHash, fileHash, shape, sourceShape, nonFinite, ms: total, stages };
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
