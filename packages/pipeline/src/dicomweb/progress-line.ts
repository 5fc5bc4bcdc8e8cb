import { formatProgress } from '../progress.js';
import type { DicomwebEvent } from './retrieve-studies.js';

/** "pacs [##########..........] 2/4 0.8 series/s ETA 3s 12.5 MB/s": the CLI's progress line for a PACS fetch. */
export function formatPacsProgress(
  event: Extract<DicomwebEvent, { type: 'progress' }>,
  label = 'pacs',
): string {
  const line = formatProgress({
    label,
    done: event.seriesDone,
    total: event.seriesTotal,
    startedMs: 0,
    nowMs: event.elapsedMs,
    unit: 'series',
  });
  return `${line} ${event.mbPerSec.toFixed(1)} MB/s`;
}
