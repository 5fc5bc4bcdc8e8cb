import { readFile } from 'node:fs/promises';
import { RUN_FILES } from './layout.js';
import { writeRunFile } from './write-run-file.js';

/** The run folder's event log (one JSON event a line), written by RunRecorder only. */
export const EVENTS_FILE = RUN_FILES.events;

/**
 * Cuts an event log back to a resume checkpoint: keeps events without an epoch (runStart, ...) and those of
 * epochs <= `epoch`; drops the later, unfinished epoch of the interrupted run and a torn last line. Atomic;
 * a missing log is left missing.
 */
export async function trimEventLog(path: string, epoch: number): Promise<void> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return;
    throw err;
  }
  const kept = text.split('\n').filter((line) => {
    if (line.trim() === '') return false;
    try {
      const e = JSON.parse(line) as { epoch?: unknown };
      return typeof e.epoch !== 'number' || e.epoch <= epoch;
    } catch {
      return false; // a line torn by kill -9
    }
  });
  await writeRunFile(path, kept.length > 0 ? `${kept.join('\n')}\n` : '');
}
