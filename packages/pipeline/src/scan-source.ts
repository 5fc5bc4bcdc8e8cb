// What the planner knows of a scan before a worker reads it: size and change time of its file, or of all the
// files of a DICOM series, and the memory decoding it will take.
import { stat } from 'node:fs/promises';
import type { ScanEntry } from '@ct3d/io/dataset';
import { formatBytes, scanMemoryEstimate } from './memory-budget.js';
import { planScanMemory } from './scan-memory.js';
import { describeError } from './scan-work.js';

/** Total size and latest change of a scan's file(s), or why they cannot be read. */
export async function statSource(
  scan: ScanEntry,
): Promise<{ size: number; mtimeMs: number } | { problem: string }> {
  const files = scan.dicom?.files ?? [scan.path];
  let size = 0;
  let mtimeMs = 0;
  for (const file of files) {
    const st = await stat(file).catch((e: unknown) => describeError(e));
    if (typeof st === 'string') return { problem: `cannot read: ${st}` };
    // A FIFO would hang the worker's read, a link to /dev/zero would never end it.
    if (!st.isFile()) {
      const what = `not a regular file (${st.isFIFO() ? 'a FIFO' : 'a device or socket'})`;
      return { problem: scan.dicom ? `${file}: ${what}` : what };
    }
    size += st.size;
    mtimeMs = Math.max(mtimeMs, st.mtimeMs);
  }
  return { size, mtimeMs };
}

/** planScanMemory for a NIfTI file; for a DICOM series, its files plus its float32 volume and the resize. */
export async function planSourceMemory(
  scan: ScanEntry,
  size: number,
  budget: number,
): Promise<{ memory: number; maxBytes?: number } | { refused: string }> {
  if (!scan.dicom) return planScanMemory(scan.path, size, budget);
  const memory = scanMemoryEstimate(size, 4 * scan.dicom.voxels, scan.dicom.voxels);
  if (memory <= budget) return { memory };
  return {
    refused: `needs about ${formatBytes(memory)} of memory to decode, over the ingest memory budget of ${formatBytes(budget)}`,
  };
}
