import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { autoScale, niceStep } from './axes.js';
import { renderCurves, TRAIN_COLOR, VAL_COLOR } from './curves.js';
import { glyph, hasGlyph } from './font.js';
import { writeCurvesPng } from './index.js';
import type { Raster } from './raster.js';

const dir = await mkdtemp(join(tmpdir(), 'ct3d-train-png-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

function countColor(r: Raster, c: readonly number[]): number {
  let n = 0;
  for (let o = 0; o < r.data.length; o += 4)
    if (r.data[o] === c[0] && r.data[o + 1] === c[1] && r.data[o + 2] === c[2]) n++;
  return n;
}

describe('axes', () => {
  it('picks matplotlib-like nice steps and padded ranges', () => {
    expect(niceStep(1, 5)).toBe(0.2);
    expect(niceStep(0.9, 6)).toBe(0.2);
    expect(niceStep(27, 8)).toBe(5);
    expect(niceStep(3, 8, true)).toBe(1);
    const s = autoScale([0.5, 0.78], { target: 5 });
    expect(s.lo).toBeCloseTo(0.486, 3);
    expect(s.ticks.map((t) => t.toFixed(s.decimals))).toEqual(['0.5', '0.6', '0.7']);
    const fine = autoScale([0.5, 0.78], { target: 8 });
    expect(fine.ticks.map((t) => t.toFixed(fine.decimals))).toEqual([
      '0.50',
      '0.55',
      '0.60',
      '0.65',
      '0.70',
      '0.75',
    ]);
    expect(autoScale([2, 2]).lo).toBeLessThan(2);
  });
});

describe('font', () => {
  it('has every character of the chart labels', () => {
    for (const ch of 'Model acc loss epochs train val auc 0123456789.-') expect(hasGlyph(ch)).toBe(true);
    expect(glyph('1').map((row) => row.map((b) => (b ? 1 : 0)).join(''))).toEqual([
      '00100',
      '01100',
      '00100',
      '00100',
      '00100',
      '00100',
      '01110',
    ]);
  });
});

describe('curves', () => {
  const history = {
    acc: [0.55, 0.6, 0.7, 0.72],
    loss: [0.7, 0.65, 0.6, 0.5],
    val_acc: [0.5, 0.5, 0.66, 0.7],
    val_loss: [0.9, 0.8, 0.6, 0.62],
  };

  it('draws train and val lines, axes and text on white', () => {
    const r = renderCurves(history, { width: 1200, height: 300 });
    expect(r.width).toBe(1200);
    expect(countColor(r, TRAIN_COLOR)).toBeGreaterThan(200);
    expect(countColor(r, VAL_COLOR)).toBeGreaterThan(200);
    expect(countColor(r, [0, 0, 0])).toBeGreaterThan(1000);
    expect(countColor(r, [255, 255, 255])).toBeGreaterThan(1200 * 300 * 0.5);
  });

  it('survives one epoch, NaN values and a missing val series', () => {
    const r = renderCurves({ acc: [0.5], loss: [Number.NaN], val_acc: [0.5] });
    expect(countColor(r, TRAIN_COLOR)).toBeGreaterThan(0);
  });

  it('writes a valid PNG', async () => {
    const path = join(dir, 'curves.png');
    await writeCurvesPng(path, history);
    const png = PNG.sync.read(await readFile(path));
    expect([png.width, png.height]).toEqual([1600, 340]);
  });
});
