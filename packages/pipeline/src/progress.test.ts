import { describe, expect, it } from 'vitest';
import { formatDuration, formatProgress } from './progress.js';

describe('formatProgress', () => {
  it('shows bar, counts, rate and ETA', () => {
    const line = formatProgress({
      done: 12,
      total: 40,
      startedMs: 0,
      nowMs: 4000,
      label: 'ingest',
      width: 10,
    });
    expect(line).toBe('ingest [###.......] 12/40 3.0 scans/s ETA 9s');
  });

  it('handles the start, the end and an empty job', () => {
    expect(formatProgress({ done: 0, total: 5, startedMs: 0, nowMs: 0, label: 'x', width: 4 })).toBe(
      'x [....] 0/5 0.0 scans/s ETA --',
    );
    expect(formatProgress({ done: 5, total: 5, startedMs: 0, nowMs: 2000, label: 'x', width: 4 })).toBe(
      'x [####] 5/5 2.5 scans/s ETA 0s',
    );
    expect(
      formatProgress({ done: 0, total: 0, startedMs: 0, nowMs: 10, label: 'x', width: 2, unit: 'batches' }),
    ).toBe('x [##] 0/0 0.0 batches/s ETA 0s');
  });

  it('formats durations', () => {
    expect(formatDuration(9.4)).toBe('9s');
    expect(formatDuration(65)).toBe('1m05s');
    expect(formatDuration(7380)).toBe('2h03m');
  });
});
