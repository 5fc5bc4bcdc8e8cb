/** What formatProgress needs: counts, and when the work started. */
export interface ProgressState {
  done: number;
  total: number;
  startedMs: number;
  nowMs: number;
  label: string;
  /** Unit shown in the rate, default "scans". */
  unit?: string;
  /** Bar width in characters, default 20. */
  width?: number;
}

/** One progress line, e.g. "ingest [#######.....] 12/40 3.1 scans/s ETA 9s". Pure: the CLI decides TTY vs lines. */
export function formatProgress(p: ProgressState): string {
  const width = p.width ?? 20;
  const unit = p.unit ?? 'scans';
  const total = Math.max(0, p.total);
  const done = Math.min(Math.max(0, p.done), total);
  const fraction = total === 0 ? 1 : done / total;
  const filled = Math.round(fraction * width);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
  const elapsedS = Math.max(0, p.nowMs - p.startedMs) / 1000;
  const rate = elapsedS > 0 ? done / elapsedS : 0;
  const eta = done >= total ? 'ETA 0s' : rate > 0 ? `ETA ${formatDuration((total - done) / rate)}` : 'ETA --';
  return `${p.label} ${bar} ${done}/${total} ${rate.toFixed(1)} ${unit}/s ${eta}`;
}

/** 9s, 1m05s, 2h03m. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
