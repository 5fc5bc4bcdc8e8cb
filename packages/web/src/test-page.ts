// Test support for the page's Chromium tests (web and dashboard): what the page shows, and DICOM studies with
// a planted patient identity to search the page for.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNifti } from '@ct3d/io/node';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { makeSeries, transcode } from '../../io/src/dicom/test-series.js';

/** The probabilities the page shows, checked against `want` (one per class, each within 1e-4). */
export async function expectProbabilities(on: Page, want: number[]): Promise<void> {
  const got = await on.$$eval('#probabilities tbody tr', (rows) =>
    rows.map((r) => Number((r as HTMLElement).dataset.probability)),
  );
  expect(got).toHaveLength(want.length);
  for (const [c, p] of want.entries()) expect(Math.abs(got[c] - p)).toBeLessThan(1e-4);
}

/** How many drops or picks the page has taken. */
export async function requestCount(on: Page): Promise<number> {
  return Number((await on.getAttribute('body', 'data-request')) ?? 0);
}

/** Waits until the page is done with the drop or pick after the `since`th: 'done' or 'error'. */
export async function finished(on: Page, since: number): Promise<string> {
  await on.waitForFunction(
    (n) =>
      Number(document.body.dataset.request ?? 0) > n &&
      ['done', 'error'].includes(document.body.dataset.state ?? ''),
    since,
  );
  return (await on.getAttribute('body', 'data-state')) ?? '';
}

/** The identity planted in every test file: the brief's, plus what test-series.py itself plants. */
export const PLANTED_NAME = 'ZZTESTPATIENT^PLANTED';
export const PLANTED_ID = 'PLANTED-ID-4242';
export const PLANTED = [PLANTED_NAME, 'ZZTESTPATIENT', PLANTED_ID, 'Zzplanted', 'PID-QX7723', 'Qxplanted'];

/** Sets PatientName and PatientID in every file of dir (dcmtk's dcmodify keeps the transfer syntax). */
function plant(dir: string): void {
  const files = readdirSync(dir).map((f) => join(dir, f));
  execFileSync('dcmodify', [
    '-nb',
    '-m',
    `(0010,0010)=${PLANTED_NAME}`,
    '-m',
    `(0010,0020)=${PLANTED_ID}`,
    ...files,
  ]);
}

const SMALL = { rows: 24, cols: 20, slices: 6 };

/** A series of `kind` in `syntax` (JPEG-LS and JPEG 2000 need the page's wasm codecs) at dir, planted. */
export function plantedSeries(
  dir: string,
  opts: {
    kind?: 'axial' | 'unsigned12' | 'extras' | 'missing';
    syntax?: 'JPEG-LS lossless' | 'JPEG 2000 lossless';
    seed: number;
    description: string;
  },
): string {
  const { kind = 'axial', syntax, seed, description } = opts;
  const plain = syntax ? mkdtempSync(join(tmpdir(), 'ct3d-plain-')) : dir;
  makeSeries(plain, kind, { ...SMALL, seed, description });
  plant(plain);
  if (!syntax) return dir;
  transcode(plain, dir, syntax);
  rmSync(plain, { recursive: true, force: true });
  return dir;
}

/**
 * An asymmetric phantom: -1000 HU with a +1000 HU cube in the corner of the lowest i, lowest j and highest k,
 * with an affine whose axes are RAS+ (+x is the patient's right): the cube is left, posterior and superior.
 */
export async function writeMarkerScan(path: string): Promise<void> {
  const shape: [number, number, number] = [40, 40, 20];
  const data = new Float32Array(40 * 40 * 20).fill(-1000);
  for (let k = 12; k < 20; k++)
    for (let j = 0; j < 8; j++) for (let i = 0; i < 8; i++) data[i + 40 * (j + 40 * k)] = 1000;
  const affine = [
    [1, 0, 0, -20],
    [0, 1, 0, -20],
    [0, 0, 1, -10],
    [0, 0, 0, 1],
  ];
  await writeNifti({ data, shape, spacing: [1, 1, 1], affine }, path, { datatype: 'int16' });
}

/**
 * Bright pixels per quadrant of the page's viewer showing the axial slice through the marker (colour bar,
 * letters, crosshair and heat map off), read from a screenshot: NiiVue draws with WebGL2 (SwiftShader here).
 */
export async function markerQuadrants(
  on: Page,
  radiological: boolean,
): Promise<{ topLeft: number; topRight: number; bottomLeft: number; bottomRight: number }> {
  await on.evaluate((radio) => {
    interface Viewer {
      nv: { opts: Record<string, unknown>; volumes: { opacity: number }[]; updateGLVolume(): void };
      setLayout(name: string): void;
      setRadiological(on: boolean): void;
      moveTo(vox: number[]): void;
    }
    const v = (globalThis as unknown as { ct3dViewer(): Viewer }).ct3dViewer();
    Object.assign(v.nv.opts, { isColorbar: false, isOrientationTextVisible: false, crosshairWidth: 0 });
    v.nv.volumes[1].opacity = 0;
    v.setLayout('axial');
    v.setRadiological(radio);
    v.moveTo([20, 20, 16]);
    v.nv.updateGLVolume();
  }, radiological);
  await on.waitForTimeout(300);
  await on.locator('#viewer-canvas').scrollIntoViewIfNeeded();
  const box = await on.locator('#viewer-canvas').boundingBox();
  if (!box) throw new Error('the viewer canvas is not shown');
  const png = (await on.screenshot({ clip: box })).toString('base64');
  return on.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    [c.width, c.height] = [img.width, img.height];
    const ctx = c.getContext('2d') as CanvasRenderingContext2D;
    ctx.drawImage(img, 0, 0);
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    const counts = { topLeft: 0, topRight: 0, bottomLeft: 0, bottomRight: 0 };
    for (let y = 0; y < c.height; y++)
      for (let x = 0; x < c.width; x++) {
        const o = 4 * (y * c.width + x);
        if (data[o] < 200 || data[o + 1] < 200 || data[o + 2] < 200) continue;
        const key =
          `${y < c.height / 2 ? 'top' : 'bottom'}${x < c.width / 2 ? 'Left' : 'Right'}` as keyof typeof counts;
        counts[key]++;
      }
    return counts;
  }, png);
}
