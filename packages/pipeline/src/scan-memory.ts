import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { claimedNiftiSize } from '@ct3d/io';
import { formatBytes, scanMemoryEstimate } from './memory-budget.js';

/** Bytes read from a source to find its header (gzip: its first 4 KiB inflated; NIfTI-2 headers are 540 bytes). */
const HEAD_BYTES = 4096;

/** Inflate bound for a source whose header is unreadable: enough for the worker to say what is wrong. */
const UNREADABLE_HEADER_BYTES = 64 * 1024 ** 2;

async function readHead(path: string): Promise<Uint8Array> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const head = new Uint8Array(HEAD_BYTES);
    const { bytesRead } = await handle.read(head, 0, HEAD_BYTES, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * What decoding a source will cost, known before it is decompressed: its header's claimed image size gives
 * the memory to reserve and the most the worker may inflate. A scan that alone needs more than the whole
 * budget is refused here. A source whose header cannot be read is inflated no further than 64 MiB, enough for
 * the worker to report what is wrong with it.
 */
export async function planScanMemory(
  path: string,
  fileBytes: number,
  budget: number,
): Promise<{ memory: number; maxBytes: number } | { refused: string }> {
  const head = await readHead(path).catch(() => new Uint8Array(0));
  const claimed = claimedNiftiSize(head, path);
  if (!claimed) return { memory: fileBytes + 2 * UNREADABLE_HEADER_BYTES, maxBytes: UNREADABLE_HEADER_BYTES };
  const maxBytes = Math.max(claimed.bytes, fileBytes);
  const memory = scanMemoryEstimate(fileBytes, maxBytes, claimed.voxels);
  if (memory > budget) {
    return {
      refused:
        `needs about ${formatBytes(memory)} of memory to decode (its header claims ${formatBytes(claimed.bytes)} ` +
        `of image), over the ingest memory budget of ${formatBytes(budget)}`,
    };
  }
  return { memory, maxBytes };
}
