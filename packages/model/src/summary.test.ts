import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildSeedModel } from './seed-model.js';
import { countParams, formatBytes, formatShape, formatSummary, wrapText } from './summary.js';

// model.summary() of the Keras example at 128x128x64, copied verbatim from the seed text.
const SEED_SUMMARY = readFileSync(new URL('./fixtures/seed-summary-128x128x64.txt', import.meta.url), 'utf8');

describe('formatSummary', () => {
  it('reproduces the Keras summary of the seed model at 128x128x64 character for character', () => {
    const model = buildSeedModel({ width: 128, height: 128, depth: 64 });
    expect(formatSummary(model)).toBe(SEED_SUMMARY.trimEnd());
    expect(countParams(model)).toEqual({ total: 1_352_897, trainable: 1_351_873, nonTrainable: 1_024 });
  });

  it('widens the shape column for long shapes and keeps every line the same width', () => {
    const model = buildSeedModel({
      width: 1000,
      height: 1000,
      depth: 1000,
      filters: [1000, 2],
      denseUnits: 3,
    });
    const lines = formatSummary(model).split('\n');
    const table = lines.filter((l) => /^[┏┃┡│├└]/.test(l));
    expect(new Set(table.map((l) => l.length)).size).toBe(1);
    expect(lines.some((l) => l.includes('(None, 998, 998, 998, 1000)'))).toBe(true);
  });
});

describe('summary helpers', () => {
  it('formats sizes like Keras readable_memory_size', () => {
    expect(formatBytes(0)).toBe('0.00 B');
    expect(formatBytes(4096)).toBe('4.00 KB');
    expect(formatBytes(1_352_897 * 4)).toBe('5.16 MB');
  });

  it('prints shapes as Python tuples', () => {
    expect(formatShape([null, 126, 126, 62, 64])).toBe('(None, 126, 126, 62, 64)');
    expect(formatShape([null])).toBe('(None,)');
  });

  it('wraps at spaces and folds words longer than the column', () => {
    expect(wrapText('batch_normalization (BatchNormalization)', 31)).toEqual([
      'batch_normalization',
      '(BatchNormalization)',
    ]);
    expect(wrapText('conv3d (Conv3D)', 31)).toEqual(['conv3d (Conv3D)']);
    expect(wrapText('abcdefgh ij', 3)).toEqual(['abc', 'def', 'gh', 'ij']);
  });
});
