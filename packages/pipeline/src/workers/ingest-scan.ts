import { createHash } from 'node:crypto';
import { access } from 'node:fs/promises';
import { writeFileAtomic } from '@ct3d/core/node';
import { encodeNifti } from '@ct3d/io';
import { readRegularFile } from '@ct3d/io/node';
import { describeError, type ProcessedScan, processBytes, processDicomBytes } from '../scan-work.js';
import type { IngestResult, IngestTask } from '../tasks.js';

/**
 * The source's bytes: the NIfTI file, or each file of a DICOM series (regular files only, size-bounded), or
 * the instances of a series fetched from a PACS (transferred in memory).
 */
async function readSource(task: IngestTask): Promise<{ name: string; bytes: Uint8Array }[]> {
  if (task.sourceBytes) {
    let offset = 0;
    return task.sourceBytes.lengths.map((length, i) => {
      const bytes = new Uint8Array(task.sourceBytes?.buffer as ArrayBuffer, offset, length);
      offset += length;
      return { name: `${task.source} instance ${i + 1}`, bytes };
    });
  }
  const paths = task.sourceFiles ?? [task.source];
  const files: { name: string; bytes: Uint8Array }[] = [];
  for (const path of paths) {
    files.push({ name: path, bytes: await readRegularFile(path, { name: path, maxBytes: task.maxBytes }) });
  }
  return files;
}

function decode(task: IngestTask, files: { name: string; bytes: Uint8Array }[]): Promise<ProcessedScan> {
  const settings = {
    size: task.size,
    name: task.source,
    maxBytes: task.maxBytes,
    preprocess: task.preprocess,
  };
  if (task.sourceFiles || task.sourceBytes) return processDicomBytes(files, settings);
  return Promise.resolve(processBytes(files[0].bytes, settings));
}

/**
 * Thin worker wrapper: read (regular files only, within the size bounds), hash, decode + processScan, write
 * the cache file (atomic) and its hash. Bad scans become results.
 */
export async function ingestScan(task: IngestTask): Promise<IngestResult> {
  const t0 = performance.now();
  const ms = () => performance.now() - t0;
  try {
    const files = await readSource(task);
    const tRead = ms();
    const hash = createHash('sha256');
    for (const file of files) hash.update(file.bytes);
    const sourceHash = hash.digest('hex');
    const tHash = ms();
    if (task.knownHash === sourceHash && (await exists(task.cacheFile))) {
      return { kind: 'unchanged', sourceHash, ms: ms() };
    }
    const done = await decode(task, files);
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
