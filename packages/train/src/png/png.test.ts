import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { autoScale, niceStep } from './axes.js';
import { renderCurves, TRAIN_COLOR, VAL_COLOR } from './curves.js';
import { glyph, hasGlyph } from './font.js';
import { writeCurvesPng, writeMontagePng } from './index.js';
import { batchSample, renderMontage } from './montage.js';
import type { Raster } from './raster.js';

const dir = await mkdtemp(join(tmpdir(), 'ct3d-train-png-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

function countColor(r: Raster, c: readonly number[]): number {
  let n = 0;
  for (let o = 0; o < r.data.length; o += 4)
    if (r.data[o] === c[0] && r.data[o + 1] === c[1] && r.data[o + 2] === c[2]) n++;
  return n;
}

function pixel(r: Raster, x: number, y: number): number {
  return r.data[(y * r.width + x) * 4];
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

describe('montage', () => {
  // w=4, h=3, d=5 volume; one bright voxel at (i=1, j=0, k=2) in NIfTI order (index = i + w*(j + h*k)).
  const w = 4;
  const h = 3;
  const d = 5;
  const nifti = new Float32Array(w * h * d);
  nifti[1 + w * (0 + h * 2)] = 1;

  it("places slices like the seed's plot_slices: pixel (r, c) of slice k = volume[r, h-1-c, k]", () => {
    const r = renderMontage({ data: nifti, shape: [w, h, d], layout: 'nifti' }, { scale: 1 });
    expect([r.width, r.height]).toEqual([5 * h, 1 * w]); // 5 slices in one row, each h wide and w tall
    const x = 2 * h + (h - 1 - 0);
    expect(pixel(r, x, 1)).toBe(255);
    let lit = 0;
    for (let o = 0; o < r.data.length; o += 4) if (r.data[o] > 0) lit++;
    expect(lit).toBe(1); // other slices are constant (black), the rest of slice 2 is its minimum
  });

  it('reads batch samples in the channels-last layout the same way', () => {
    const x = new Float32Array(2 * w * h * d);
    x[w * h * d + (1 * h + 0) * d + 2] = 1; // sample 1, (i=1, j=0, k=2), depth fastest
    const r = renderMontage(batchSample({ x, shape: [2, w, h, d, 1] }, 1), { scale: 2 });
    expect(pixel(r, (2 * h + h - 1) * 2, 2)).toBe(255);
    expect(() => batchSample({ x, shape: [2, w, h, d, 1] }, 2)).toThrow(/outside batch of 2/);
  });

  it('is the 4 x 10 grid of the first 40 slices for a deep scan, written as a PNG', async () => {
    const n = 16;
    const data = new Float32Array(n * n * 64).map((_, i) => (i % 7) / 7);
    const path = join(dir, 'montage.png');
    await writeMontagePng(path, { data, shape: [n, n, 64], layout: 'channels-last' }, { scale: 1 });
    const png = PNG.sync.read(await readFile(path));
    expect([png.width, png.height]).toEqual([10 * n, 4 * n]);
  });
});
